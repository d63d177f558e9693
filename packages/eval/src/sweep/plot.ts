/**
 * The sweep's two figures, as vega-lite specifications rendered to SVG in Node and to PNG by sharp:
 * the scatter of test accuracy against patch % (every row, log x, colour and shape per model, one panel per
 * dataset), and the Pareto front (rank-1 rows only, a dashed step line, each point labelled with its stage).
 */
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { vegaLiteSvg } from '../rot/plot.js';
import { paretoFront } from './analyze.js';
import { naturalCompare } from './natural.js';
import { placeFrontLabels } from './labels.js';
import type { AnalyzedSweepRow, SweepAnalysis } from './analyze.js';
import type { LabelGeometry, PlacedLabel } from './labels.js';

/** The x title of the Pareto-front figure. */
export const FRONT_X_TITLE = 'Mean Receptive Field Size (%)';
/** The y title of both figures. */
export const Y_TITLE = 'Test Accuracy';
/** The x title of the scatter. */
export const SCATTER_X_TITLE = 'Patch % of Image (mean receptive field, log scale)';

const WIDTH = 560;
const HEIGHT = 340;
const FONT = 'sans-serif';
const LABEL_FONT_SIZE = 12;
/** Colours and shapes cycle with different periods: 20 × 7 models before a pair repeats. */
const COLORS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#5f5f5f',
  '#1f3b73', '#a0522d', '#1b7a3a', '#8e0e2f', '#00838f', '#6a1b9a', '#b8860b', '#37474f', '#c2185b', '#7cb342'];
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right'];

const CONFIG = {
  font: FONT,
  axis: { labelFontSize: 12, titleFontSize: 14, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 12, titleFontSize: 13, labelLimit: 400 },
  header: { labelFontSize: 14, titleFontSize: 14 },
  title: { fontSize: 15 },
  view: { stroke: '#bbb' },
};

/** The model as the front figure shows it: VGG names without `_bn`, as the reference's figure. */
export function frontModelName(model: string): string {
  return /^vgg/.test(model) ? model.replace(/_bn$/, '') : model;
}

/** A log-axis domain around `[min, max]` with round tick values (1, 2, 5 per decade; decades only when wide). */
export function logDomain(min: number, max: number, margin = 1.6): { domain: [number, number]; ticks: number[] } {
  const lo = min / margin, hi = max * margin;
  const d0 = Math.floor(Math.log10(lo)), d1 = Math.ceil(Math.log10(hi));
  const steps = d1 - d0 > 4 ? [1] : [1, 2, 5];
  const ticks: number[] = [];
  for (let d = d0; d <= d1; d++) for (const s of steps) {
    const v = Number((s * 10 ** d).toPrecision(3));
    if (v >= lo && v <= hi) ticks.push(v);
  }
  return { domain: [lo, hi], ticks };
}

/**
 * Colour and shape per model, the same in both figures: models in natural order take colours and shapes in turn.
 * `names` maps a model to the name shown (the front figure shows VGG names without `_bn`); a name shared by several
 * models takes the first one's style.
 */
function modelEncoding(a: SweepAnalysis, shown: readonly string[], names: (model: string) => string = (m) => m) {
  const all = [...new Set(a.rows.map((r) => r.model))].sort(naturalCompare);
  const domain = [...new Set(shown.map(names))].sort(naturalCompare);
  const first = (n: string) => all.findIndex((m) => names(m) === n);
  const channel = (palette: readonly string[]) => ({
    field: 'model', type: 'nominal', title: 'Model', sort: domain, scale: { domain, range: domain.map((n) => palette[first(n) % palette.length]!) },
  });
  return { color: channel(COLORS), shape: channel(SHAPES) };
}

/** Scatter of every analysed row: test accuracy against patch % (log), colour and shape per model, a panel per dataset. */
export function sweepScatterSpec(a: SweepAnalysis): TopLevelSpec {
  const { domain, ticks } = logDomain(Math.min(...a.rows.map((r) => r.patchPct)), Math.max(...a.rows.map((r) => r.patchPct)), 1.3);
  const values = a.rows.map((r) => ({ panel: r.panel, model: r.model, stage: r.stageName, patchPct: r.patchPct, testAccuracy: r.testAccuracy, paretoRank: r.paretoRank }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white', config: CONFIG, data: { values },
    facet: { row: { field: 'panel', type: 'nominal', title: null, sort: a.panels, header: { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelFontWeight: 'bold' } } },
    spec: {
      width: WIDTH, height: HEIGHT,
      mark: { type: 'point', filled: true, size: 70, opacity: 0.85 },
      encoding: {
        x: { field: 'patchPct', type: 'quantitative', title: SCATTER_X_TITLE, scale: { type: 'log', domain, nice: false }, axis: { values: ticks, format: '~g' } },
        y: { field: 'testAccuracy', type: 'quantitative', title: Y_TITLE, scale: { zero: false, nice: true, padding: 10 } },
        ...modelEncoding(a, a.rows.map((r) => r.model)),
      },
    },
    resolve: { scale: { y: 'independent' } },
  } as unknown as TopLevelSpec;
}

/** One panel of the front figure: its points, the y domain that fits their labels, and the placed labels. */
export interface FrontPanelLayout {
  panel: string;
  front: AnalyzedSweepRow[];
  xDomain: [number, number];
  xTicks: number[];
  yDomain: [number, number];
  labels: PlacedLabel[];
}

/**
 * Lays out one panel of the front figure in pixels: the labels are placed without overlaps
 * ({@link placeFrontLabels}) and the accuracy axis widened until every label lies inside the plot.
 */
export function frontPanelLayout(a: SweepAnalysis, panel: string, size: { width: number; height: number } = { width: WIDTH, height: HEIGHT }): FrontPanelLayout {
  const front = paretoFront(a, panel);
  const { domain: xDomain, ticks: xTicks } = logDomain(front[0]!.patchPct, front[front.length - 1]!.patchPct);
  const [l0, l1] = [Math.log(xDomain[0]), Math.log(xDomain[1])];
  const xPx = (v: number) => ((Math.log(v) - l0) / (l1 - l0)) * size.width;
  const accs = front.map((r) => r.testAccuracy);
  const amin = Math.min(...accs), amax = Math.max(...accs);
  const range = Math.max(amax - amin, 0.02);
  let yDomain: [number, number] = [amin - 0.08 * range, amax + 0.08 * range];
  const g: LabelGeometry = { width: size.width, fontSize: LABEL_FONT_SIZE };
  const half = LABEL_FONT_SIZE * 0.6;
  let labels: PlacedLabel[] = [];
  for (let round = 0; round < 8; round++) {
    const [y0, y1] = yDomain;
    const yPx = (v: number) => ((y1 - v) / (y1 - y0)) * size.height;
    labels = placeFrontLabels(front.map((r) => ({ x: xPx(r.patchPct), y: yPx(r.testAccuracy), text: r.stageName })), g);
    const below = Math.max(0, ...labels.map((l) => l.y + half + 2 - size.height));
    const above = Math.max(0, ...labels.map((l) => -(l.y - half - 2)));
    if (below === 0 && above === 0) break;
    const perPx = (y1 - y0) / size.height;
    yDomain = [y0 - below * perPx * 1.2, y1 + above * perPx * 1.2];
  }
  return { panel, front, xDomain, xTicks, yDomain, labels };
}

/** One panel of the front figure. */
function frontPanelSpec(layout: FrontPanelLayout, encoding: ReturnType<typeof modelEncoding>, title: string): Record<string, unknown> {
  const points = layout.front.map((r) => ({ model: frontModelName(r.model), stage: r.stageName, patchPct: r.patchPct, testAccuracy: r.testAccuracy }));
  const x = { field: 'patchPct', type: 'quantitative', title: FRONT_X_TITLE, scale: { type: 'log', domain: layout.xDomain, nice: false }, axis: { values: layout.xTicks, format: '~g' } };
  const y = { field: 'testAccuracy', type: 'quantitative', title: Y_TITLE, scale: { domain: layout.yDomain, nice: false, zero: false } };
  const px = (field: string) => ({ field, type: 'quantitative', scale: null });
  const text = (align: 'left' | 'right') => ({
    data: { values: layout.labels.filter((l) => l.align === align) },
    mark: { type: 'text', align, baseline: 'middle', fontSize: LABEL_FONT_SIZE, color: '#222' },
    encoding: { x: px('x'), y: px('y'), text: { field: 'text' } },
  });
  return {
    title, width: WIDTH, height: HEIGHT,
    layer: [
      { data: { values: points }, mark: { type: 'line', interpolate: 'step-after', strokeDash: [6, 4], strokeWidth: 1.6, color: '#8a8a8a' }, encoding: { x, y } },
      {
        data: { values: layout.labels.filter((l) => l.moved).map((l) => ({ ...l, ex: l.x + (l.align === 'left' ? -2 : 2) })) },
        mark: { type: 'rule', color: '#b0b0b0', strokeWidth: 0.8 },
        encoding: { x: px('px'), y: px('py'), x2: { field: 'ex' }, y2: { field: 'y' } },
      },
      { data: { values: points }, mark: { type: 'point', filled: true, size: 90, opacity: 1, stroke: 'white', strokeWidth: 0.6 }, encoding: { x, y, ...encoding } },
      text('left'), text('right'),
    ],
  };
}

/** The Pareto-front figure: rank-1 rows of each panel, a grey dashed post-step line through them, stage labels. */
export function sweepParetoSpec(a: SweepAnalysis): TopLevelSpec {
  const layouts = a.panels.map((p) => frontPanelLayout(a, p));
  const encoding = modelEncoding(a, layouts.flatMap((l) => l.front.map((r) => r.model)), frontModelName);
  const panels = layouts.map((l) => frontPanelSpec(l, encoding, `Pareto front: ${l.panel}`));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white', config: CONFIG,
    ...(panels.length === 1 ? panels[0] : { vconcat: panels, spacing: 36 }),
  } as unknown as TopLevelSpec;
}

/** Both figures as SVG text and PNG bytes. */
export async function renderSweepPlots(a: SweepAnalysis): Promise<{ scatter: { svg: string; png: Buffer }; pareto: { svg: string; png: Buffer } }> {
  const render = async (spec: TopLevelSpec) => {
    const svg = await vegaLiteSvg(spec, 2);
    return { svg, png: await sharp(Buffer.from(svg)).png().toBuffer() };
  };
  return { scatter: await render(sweepScatterSpec(a)), pareto: await render(sweepParetoSpec(a)) };
}
