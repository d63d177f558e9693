/**
 * The ROT figure (spec §6.5, the notebook's plot): the mean prototype similarity against the % of pixels added
 * back, one line per heat-map method, and a dashed vertical line at the mean receptive field of the feature layer.
 * Drawn with vega-lite, rendered to SVG in Node by vega, and to PNG by sharp.
 */
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import type { ProtoNet } from '@pixpnet/models';

/** One curve of the figure. */
export interface RotCurve {
  /** Legend label, e.g. `Ours`. */
  label: string;
  xPct: readonly number[];
  y: readonly number[];
}

/** Line colours of the methods the paper plots; other methods take the next of {@link EXTRA}. */
const COLORS: Record<string, string> = { Random: '#8c8c8c', Ours: '#1f6fd1', Upsample: '#f28e2b', PRP: '#2ca02c' };
const EXTRA = ['#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

/** The mean receptive field of the model's latent cells, as % of the input's pixels. */
export function meanRfPct(model: ProtoNet): number {
  const [H, W] = model.config.inputSize;
  const boxes = model.rfBoxes;
  return (boxes.reduce((a, [h0, h1, w0, w1]) => a + (h1 - h0) * (w1 - w0), 0) / boxes.length / (H * W)) * 100;
}

/** The vega-lite specification of the figure. */
export function rotPlotSpec(curves: readonly RotCurve[], rfPct: number, title?: string): TopLevelSpec {
  const values = curves.flatMap((c) => c.xPct.map((x, i) => ({ x, y: c.y[i], method: c.label })).filter((v) => Number.isFinite(v.y)));
  const order = ['Random', 'Ours', 'Upsample', 'PRP'];
  const labels = [...new Set(curves.map((c) => c.label))].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(title ? { title } : {}),
    width: 520, height: 320, background: 'white',
    config: { font: 'serif', axis: { labelFontSize: 13, titleFontSize: 15 }, legend: { labelFontSize: 13, titleFontSize: 14 } },
    layer: [
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: '% pixels added back', scale: { domain: [0, 100] } },
          y: { field: 'y', type: 'quantitative', title: 'mean prototype similarity', scale: { zero: false } },
          color: { field: 'method', type: 'nominal', title: 'method', sort: labels, scale: { domain: labels, range: labels.map((l, i) => COLORS[l] ?? EXTRA[i % EXTRA.length]!) } },
        },
      },
      {
        data: { values: [{ x: rfPct, label: 'Mean Receptive Field of Layer' }] },
        mark: { type: 'rule', strokeDash: [7, 5], strokeWidth: 2, color: '#444' },
        encoding: { x: { field: 'x', type: 'quantitative' } },
      },
      {
        data: { values: [{ x: rfPct, label: `mean RF of layer (${rfPct.toFixed(1)} %)` }] },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 5, dy: 5, fontSize: 12, color: '#444' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec;
}

/** A vega-lite specification rendered to SVG text in Node (no browser, no network). */
export async function vegaLiteSvg(spec: TopLevelSpec, scale = 1): Promise<string> {
  // loaded when a plot is drawn: vega's canvas module uses top-level await, which would stop require() of this package
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG(scale);
  } finally {
    view.finalize();
  }
}

/** Renders the figure: SVG text and PNG bytes. */
export async function renderRotPlot(curves: readonly RotCurve[], rfPct: number, title?: string): Promise<{ svg: string; png: Buffer }> {
  const svg = await vegaLiteSvg(rotPlotSpec(curves, rfPct, title), 2);
  return { svg, png: await sharp(Buffer.from(svg)).png().toBuffer() };
}
