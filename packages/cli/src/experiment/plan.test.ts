import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { optionArgs, planExperiment } from './plan.js';
import { runFigures } from './run.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const configs = path.resolve(here, '../../../../configs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-plan-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('planExperiment', () => {
  it('plans the shipped experiments: configs resolved beside the file, every seed checked, rows config-major', () => {
    const p = planExperiment(path.join(configs, 'experiments', 'paper-claim.yaml'));
    expect(p.name).toBe('paper-claim');
    expect(p.configs.map((c) => [c.name, c.mapping, path.basename(c.file)])).toEqual([['pixpnet', 'bbox', 'pixpnet-scattered.yaml'], ['protopnet', 'upsample', 'protopnet-scattered.yaml']]);
    expect(p.rows.map((r) => `${r.config.name}/${r.seed}`)).toEqual([42, 43, 44, 45, 46].map((s) => `pixpnet/${s}`).concat([42, 43, 44, 45, 46].map((s) => `protopnet/${s}`)));
    expect(p.configs[0]!.options).toEqual({ 'dataset.root': 'data/scattered10x400', 'model.num-prototypes': 100 });
    expect(p.synth).toEqual({ out: path.resolve('data/scattered10x400/synthparts_scattered'), layout: 'scattered', classes: 10, perClass: 400, distractors: 'plain' });
    expect(p.evaluate).toEqual({ 'rot.steps': 33, 'rot.sample-order': 'spread' });
    const smoke = planExperiment(path.join(configs, 'experiments', 'smoke.yaml'));
    expect(smoke.configs[1]!.options).toEqual({ 'train.epochs': 1, debug: true, 'model.feature-layer': 'maxpool4' });
    const quick = planExperiment(path.join(configs, 'experiments', 'quickstart-seeds.yaml'));
    expect(quick.rows.map((r) => `${r.config.name}/${r.config.mapping}/${path.basename(r.config.file)}/${r.seed}`))
      .toEqual([42, 43, 44, 45, 46].map((s) => `pixpnet/bbox/proto-synthparts.yaml/${s}`));
    expect(quick.evaluate).toEqual({ 'rot.steps': 33, 'rot.sample-order': 'spread' });
    // every experiment shipped is one of those planned above
    expect(fs.readdirSync(path.join(configs, 'experiments')).sort()).toEqual(['paper-claim.yaml', 'quickstart-seeds.yaml', 'smoke.yaml']);
  });

  it('refuses an unknown key, a bad synthetic set and a config that no seed could train', () => {
    const write = (text: string) => {
      const f = path.join(tmp, 'x.yaml');
      fs.writeFileSync(f, text);
      return f;
    };
    const dummy = path.join(configs, 'protonets', 'proto-synthparts-dummy.yaml');
    expect(() => planExperiment(write(`seeds: [1]\nseed: 3\nconfigs: {a: {config: ${dummy}, mapping: bbox}}\n`))).toThrow(/has an unknown entry 'seed'/);
    expect(() => planExperiment(write(`seeds: [1]\nsynth: {out: d, classes: 500}\nconfigs: {a: {config: ${dummy}, mapping: bbox}}\n`))).toThrow(/'synth\.classes' must be <= 200, got 500/);
    expect(() => planExperiment(write(`seeds: [1]\nconfigs: {a: {config: ${dummy}, mapping: bbox, options: {model.feature-layer: maxpool9}}}\n`)))
      .toThrow(/config 'a' .* with seed 1: .*has no layer \(--model.feature-layer\) 'maxpool9'/);
  });
});

describe('optionArgs', () => {
  it('writes options as the flags pixpnet train takes', () => {
    expect(optionArgs({ 'train.epochs': 2, debug: true, 'model.pretrained': false, 'optimizer.lr-schedule': [100, 150], seed: 7 }))
      .toEqual(['--train.epochs', '2', '--debug', '--model.no-pretrained', '--optimizer.lr-schedule', '100,150', '--seed', '7']);
  });
});

describe('runFigures', () => {
  it("takes the config's own mapping for the unsuffixed figures and ROT percentages as fractions", () => {
    const v = runFigures({
      parameters: {},
      consistency: { bbox: { soft: 0.9, hard: 0.8 }, upsample: { soft: 0.5, hard: 0.4 } } as never,
      stability: { bbox: { soft: 0.7, hard: 0.6 }, upsample: { soft: 0.3, hard: 0.2 } } as never,
      partCorrectness: { bbox: { score: 0.85 }, upsample: { score: 0.45 } },
      rot: { rf: { area: 0.91, pctAtOrigSim: 29.4 }, upsample: { area: 0.66, pctAtOrigSim: 100 } } as never,
    }, 0.93, 'upsample');
    expect(v).toMatchObject({
      accuracy: 0.93, consistency_soft: 0.5, stability_hard: 0.2, part_correctness: 0.45, consistency_soft_bbox: 0.9, part_correctness_bbox: 0.85,
      rot_area_rf: 0.91, rot_pct_rf: 0.294, rot_pct_upsample: 1, rot_area_prp: null,
    });
  });
});
