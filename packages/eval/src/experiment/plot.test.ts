import { describe, expect, it } from 'vitest';
import { experimentPlotSpec, renderExperimentPlot } from './plot.js';
import { summarizeExperiment, type ExperimentRun } from './summary.js';

const run = (config: string, seed: number, values: Record<string, number | null>): ExperimentRun => ({ config, seed, mapping: config === 'pixpnet' ? 'bbox' : 'upsample', values });
const runs = [
  run('pixpnet', 1, { accuracy: 0.95, consistency_soft: 0.9, rot_area_rf: 1.02, rot_area_random: 0.3 }),
  run('pixpnet', 2, { accuracy: 0.97, consistency_soft: 0.94, rot_area_rf: 0.98, rot_area_random: 0.2 }),
  run('protopnet', 1, { accuracy: 0.8, consistency_soft: 0.6, rot_area_rf: 0.7, rot_area_random: null }),
  run('protopnet', 2, { accuracy: 0.84, consistency_soft: 0.7, rot_area_rf: 0.8, rot_area_random: null }),
];

describe('experimentPlotSpec', () => {
  const spec = experimentPlotSpec(summarizeExperiment(runs), 'demo') as unknown as {
    data: { values: Array<{ panel: string; config: string; mean: number; lo: number; hi: number }> };
    facet: { sort: string[] };
    spec: { layer: Array<{ encoding: { y: { scale?: { domain: number[] } } } }> };
    resolve?: { scale?: unknown };
  };

  it('draws each figure that some config has, in order, with mean ± sd per config', () => {
    expect(spec.facet.sort).toEqual(['test accuracy', 'consistency (soft)', 'ROT area (rf)', 'ROT area (random)']);
    const acc = spec.data.values.filter((v) => v.panel === 'test accuracy');
    expect(acc.map((v) => v.config)).toEqual(['pixpnet', 'protopnet']);
    expect(acc[0]!.mean).toBeCloseTo(0.96, 12);
    expect(acc[0]!.hi - acc[0]!.mean).toBeCloseTo(Math.sqrt(0.0002), 12); // sample sd of 0.95, 0.97
    // a config without the figure has no bar (not a bar at 0)
    expect(spec.data.values.filter((v) => v.panel === 'ROT area (random)').map((v) => v.config)).toEqual(['pixpnet']);
  });

  it('stops an error bar at 0: no figure is negative', () => {
    const low = experimentPlotSpec(summarizeExperiment([run('a', 1, { consistency_hard: 0 }), run('a', 2, { consistency_hard: 0.2 })]), 'x') as unknown as typeof spec;
    const v = low.data.values.find((r) => r.panel === 'consistency (hard)')!;
    expect(v.mean).toBeCloseTo(0.1, 12);
    expect(v.lo).toBe(0); // mean − sd = 0.1 − 0.141 < 0
    expect(v.hi).toBeCloseTo(0.1 + Math.sqrt(0.02), 12);
  });

  it('shares one y scale from 0 to at least 1 (plus room for the values), so that panels compare by height', () => {
    expect(spec.resolve?.scale).toBeUndefined();
    const top = Math.max(...spec.data.values.map((v) => v.hi)); // the ROT area above 1
    expect(top).toBeGreaterThan(1);
    expect(spec.spec.layer[0]!.encoding.y.scale!.domain).toEqual([0, top + 0.1]);
  });

  it('renders SVG and PNG naming every panel and config', async () => {
    const { svg, png } = await renderExperimentPlot(summarizeExperiment(runs), 'demo');
    for (const t of ['demo', 'test accuracy', 'ROT area (rf)', 'pixpnet', 'protopnet', '0.960']) expect(svg).toContain(t);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
