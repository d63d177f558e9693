/** Training curves of a run (its `metrics.csv` rows): loss and accuracy per step, training and validation, as one SVG. */
import type { TopLevelSpec } from 'vega-lite';
import { vegaLiteSvg } from '../rot/plot.js';

/** The vega-lite specification: two panels (loss, accuracy) against the global step. */
export function trainingCurvesSpec(rows: ReadonlyArray<Record<string, number>>): TopLevelSpec {
  const values: Array<{ step: number; split: string; metric: string; value: number }> = [];
  for (const r of rows) {
    for (const split of ['train', 'val', 'test']) {
      for (const [metric, key] of [['loss', `${split}_total_loss`], ['accuracy', `${split}_accuracy`]] as const) {
        const v = r[key];
        const step = r['step'];
        if (typeof v === 'number' && Number.isFinite(v) && typeof step === 'number' && Number.isFinite(step)) values.push({ step, split, metric, value: v });
      }
    }
  }
  const panel = (metric: string) => ({
    width: 420, height: 240, title: metric,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5, opacity: 0.8 }, encoding: { x: { field: 'step', type: 'quantitative', title: 'step' }, y: { field: 'value', type: 'quantitative', title: metric }, color: { field: 'split', type: 'nominal', title: 'split', sort: ['train', 'val', 'test'] } } },
      { transform: [{ filter: "datum.split !== 'train'" }], mark: { type: 'point', filled: true, size: 40 }, encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' }, color: { field: 'split', type: 'nominal', sort: ['train', 'val', 'test'] } } },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', data: { values },
    config: { font: 'sans-serif' }, hconcat: [panel('loss'), panel('accuracy')],
  } as unknown as TopLevelSpec;
}

/** The curves as SVG text. */
export function trainingCurvesSvg(rows: ReadonlyArray<Record<string, number>>): Promise<string> {
  return vegaLiteSvg(trainingCurvesSpec(rows));
}
