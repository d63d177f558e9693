import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import { writeSynthDataset } from '@pixpnet/data';
import { planSweep } from './plan.js';
import type { SweepSettings } from './plan.js';
import { parseShard, shardFromEnv, shardRows } from './shard.js';
import { SWEEP_COLUMNS, openSweepCsv, readSweepCsv } from './csv.js';
import { mergeSweeps } from './merge.js';
import { sbatchScript } from './sbatch.js';
import { runSweep } from './sweep.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sweep-'));
const settings = (o: Partial<SweepSettings> = {}): SweepSettings => ({
  models: ['vgg_nano_bn'], stages: ['maxpool1', 'maxpool2', 'classifier'], dataset: 'SYNTHPARTS', datasetRoot: path.join(tmp, 'data'), inputSize: 32,
  epochs: 1, batchSize: 8, lr: 1e-3, pretrained: false, seed: 0, debug: true, ...o,
});

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  await writeSynthDataset({ out: path.join(tmp, 'data', 'synthparts'), classes: 3, perClass: 12, size: 32, seed: 2 });
});

describe('sweep planning', () => {
  it('plans every (model, stage) with the reference stage numbers and a stable identity', () => {
    const p = planSweep(settings({ models: ['resnet18', 'vgg11'], stages: [] }));
    const resnet = p.rows.filter((r) => r.model === 'resnet18').map((r) => `${r.stage}#${r.stageNumber}`);
    expect(resnet).toEqual(['conv1#3', 'maxpool#4', 'layer1#5', 'layer2#6', 'layer3#7', 'layer4#8', 'avgpool#9', 'fc#10']);
    expect(p.rows.filter((r) => r.model === 'vgg11').map((r) => r.stage)).toEqual(['conv1', 'maxpool1', 'maxpool2', 'maxpool3', 'maxpool4', 'maxpool5', 'avgpool', 'classifier']);
    expect(p.rows.some((r) => r.model === 'resnet18_x')).toBe(false);
    expect(planSweep(settings({ models: ['resnet18', 'vgg11'], stages: [] })).id).toBe(p.id);
    expect(planSweep(settings({ models: ['resnet18', 'vgg11'], stages: [], epochs: 2 })).id).not.toBe(p.id);
  });

  it('refuses an unknown model filter, stage or size before any work', () => {
    expect(() => planSweep(settings({ models: ['alexnet'] }))).toThrow(/--models alexnet: no zoo model's name contains any of them. Models: .*vgg11/);
    expect(() => planSweep(settings({ stages: ['layer9'] }))).toThrow(/--stages: no selected model has the stage\(s\) layer9/);
    expect(() => planSweep(settings({ dataset: 'MNIST' }))).toThrow(/Unknown dataset/);
    expect(() => planSweep(settings({ epochs: 0 }))).toThrow(/--epochs must be a whole number ≥ 1/);
  });

  it('shards partition the rows exactly; Slurm array variables give the shard', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 9 }), (n, count) => {
      const rows = Array.from({ length: n }, (_, i) => i);
      const parts = Array.from({ length: count }, (_, index) => shardRows(rows, { index, count }));
      expect(parts.flat().sort((a, b) => a - b)).toEqual(rows);
    }));
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    expect(() => parseShard('3/3')).toThrow(/expected i\/n with 0 ≤ i < n/);
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '4', SLURM_ARRAY_TASK_MAX: '6' })).toEqual({ index: 1, count: 3 });
    expect(shardFromEnv({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' })).toEqual({ index: 1, count: 2 });
    expect(shardFromEnv({})).toBeUndefined();
  });

  it('the sbatch script runs one shard per array task', () => {
    const s = sbatchScript({ args: ['--models', 'vgg11', '--no-pretrained'], outDir: '/o', arraySize: 3, partition: 'debug', cpusPerTask: 2, time: '01:00:00', node: '/usr/bin/node', bin: '/p/pixpnet.js', cwd: '/w' });
    expect(s).toMatch(/^#SBATCH --array=0-2$/m);
    expect(s).toMatch(/^#SBATCH --partition=debug$/m);
    expect(s).toMatch(/^#SBATCH --cpus-per-task=2$/m);
    expect(s).toMatch(/^exec \/usr\/bin\/node \/p\/pixpnet.js sweep --models vgg11 --no-pretrained --out \/o\/shard-\$\{SLURM_ARRAY_TASK_ID\}.csv$/m);
  });
});

describe('runSweep', () => {
  it('writes one row per (model, stage) with the columns; resumes without redoing rows; another sweep cannot share the file', async () => {
    const plan = planSweep(settings());
    const out = path.join(tmp, 'one.csv');
    const before = tf.memory().numTensors;
    const rows = await runSweep({ plan, out });
    expect(tf.memory().numTensors).toBe(before);
    expect(rows.map((r) => r['Stage Name'])).toEqual(['maxpool1', 'maxpool2', 'classifier']);
    const read = readSweepCsv(out);
    expect(Object.keys(read[0]!)).toEqual([...SWEEP_COLUMNS]);
    for (const r of read) {
      expect(r.Note).toBe('');
      expect(Number(r['Test Accuracy Epoch'])).toBeGreaterThanOrEqual(0);
      expect(Number(r['Test Accuracy Top5 Epoch'])).toBe(1); // 3 classes: the top 5 hold every class
      expect(r.Sweep).toBe(plan.id);
      expect(r.Pretrained).toBe('no');
    }
    expect(Number(read[2]!['Patch % of Image'])).toBe(100); // the classifier sees the whole image
    expect(Number(read[0]!['Patch % of Image'])).toBeLessThan(Number(read[1]!['Patch % of Image']));
    const again = await runSweep({ plan, out });
    expect(again).toEqual([]);
    expect(() => openSweepCsv(out, planSweep(settings({ epochs: 2 })))).toThrow(/holds sweep .*, not this one/);
  }, 300_000);

  it('shards merge into the rows of the whole sweep; merge refuses a missing row, a duplicate and another sweep', async () => {
    const plan = planSweep(settings());
    const a = path.join(tmp, 'shard-0.csv'), b = path.join(tmp, 'shard-1.csv');
    await runSweep({ plan, out: a, shard: { index: 0, count: 2 } });
    expect(() => mergeSweeps(path.join(tmp, 'm.csv'), [a])).toThrow(/1 row\(s\) of the sweep are in no shard \(e.g. vgg_nano_bn\/maxpool2\)/);
    await runSweep({ plan, out: b, shard: { index: 1, count: 2 } });
    const merged = mergeSweeps(path.join(tmp, 'm.csv'), [b, a]);
    expect(merged.map((r) => r['Stage Name'])).toEqual(['maxpool1', 'maxpool2', 'classifier']);
    expect(() => mergeSweeps(path.join(tmp, 'm2.csv'), [a, b, path.join(tmp, 'one.csv')])).toThrow(/is in both/);
    const other = path.join(tmp, 'other.csv');
    openSweepCsv(other, planSweep(settings({ seed: 1 })));
    expect(() => mergeSweeps(path.join(tmp, 'm3.csv'), [a, other])).toThrow(/belongs to sweep .*merge the shards of one sweep/);
  }, 300_000);
});
