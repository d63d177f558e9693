/**
 * The experiment's figure: one panel per figure (accuracy, consistency, stability, part-correctness, ROT areas), the
 * configs side by side as bars at their mean over the seeds with ± one standard deviation as error bars. Drawn with
 * vega-lite, rendered to SVG in Node by vega and to PNG by sharp.
 */
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { vegaLiteSvg } from '../rot/plot.js';
import type { ExperimentSummary } from './summary.js';

/** The panels, in order, with their titles (each config's own mapping for the box figures). */
export const EXPERIMENT_PANELS: ReadonlyArray<readonly [string, string]> = [
  ['accuracy', 'test accuracy'],
  ['consistency_soft', 'consistency (soft)'], ['consistency_hard', 'consistency (hard)'],
  ['stability_soft', 'stability (soft)'], ['stability_hard', 'stability (hard)'],
  ['part_correctness', 'part-correctness'],
  ['rot_area_rf', 'ROT area (rf)'], ['rot_area_upsample', 'ROT area (upsample)'],
  ['rot_area_prp', 'ROT area (PRP)'], ['rot_area_random', 'ROT area (random)'],
];

const COLORS = ['#1f6fd1', '#f28e2b', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/** The vega-lite specification (panels whose figure no config has are left out). */
export function experimentPlotSpec(summary: readonly ExperimentSummary[], title?: string): TopLevelSpec {
  const values = EXPERIMENT_PANELS.flatMap(([col, label]) => summary.map((s) => {
    const { mean, sd } = s.stats[col] ?? { mean: null, sd: null };
    // every figure is ≥ 0: the error bar stops at the axis rather than below it (ProtoPNet's hard consistency, 0.08 ± 0.12)
    return mean === null ? undefined : { panel: label, config: s.config, mean, lo: Math.max(0, mean - (sd ?? 0)), hi: mean + (sd ?? 0), seeds: s.seeds.length };
  }).filter((v) => v !== undefined));
  const panels = EXPERIMENT_PANELS.map(([, l]) => l).filter((l) => values.some((v) => v.panel === l));
  const configs = summary.map((s) => s.config);
  // one y scale for every panel, from 0 to at least 1 (every figure is a fraction; a ROT area can pass 1): bars of
  // different panels compare by height, as the ROT areas of receptive field and upsampling must
  const top = Math.max(1, ...values.map((v) => v.hi));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(title ? { title: { text: title, fontSize: 16 } } : {}),
    background: 'white',
    data: { values },
    facet: { field: 'panel', type: 'nominal', sort: panels, title: null, header: { labelFontSize: 13, labelBaseline: 'bottom', labelPadding: 6 } },
    columns: 5,
    spacing: { column: 24, row: 64 },
    bounds: 'flush',
    spec: {
      width: 130, height: 150,
      layer: [
        {
          mark: 'bar',
          encoding: {
            x: { field: 'config', type: 'nominal', sort: configs, title: null, axis: { labelAngle: 0, labelFontSize: 12 } },
            y: { field: 'mean', type: 'quantitative', title: null, scale: { domain: [0, top + 0.1], nice: false }, axis: { format: '.2~f', tickCount: 5 } },
            color: { field: 'config', type: 'nominal', sort: configs, legend: null, scale: { domain: configs, range: configs.map((_, i) => COLORS[i % COLORS.length]!) } },
            tooltip: [{ field: 'config' }, { field: 'mean', format: '.3f' }, { field: 'seeds' }],
          },
        },
        { mark: { type: 'errorbar', ticks: { size: 14 }, thickness: 1.5, color: '#222' }, encoding: { x: { field: 'config', type: 'nominal', sort: configs }, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } },
        { mark: { type: 'text', dy: -6, baseline: 'bottom', fontSize: 11 }, encoding: { x: { field: 'config', type: 'nominal', sort: configs }, y: { field: 'hi', type: 'quantitative' }, text: { field: 'mean', format: '.3f' } } },
      ],
    },
    resolve: { axis: { x: 'independent' } }, // every panel names its configs
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
  } as TopLevelSpec;
}

/** Renders the figure: SVG text and PNG bytes. */
export async function renderExperimentPlot(summary: readonly ExperimentSummary[], title?: string): Promise<{ svg: string; png: Buffer }> {
  const svg = await vegaLiteSvg(experimentPlotSpec(summary, title), 2);
  return { svg, png: await sharp(Buffer.from(svg)).png().toBuffer() };
}
