import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import { writeSynthDataset } from './synth/write.js';
import { readCub } from './datasets/cub.js';
import { DataLoader } from './loader.js';
import type { LoaderOptions } from './loader.js';
import { ImagePool } from './pool/pool.js';
import type { TransformPreset } from './transforms/presets.js';

const preset: TransformPreset = { crop: 32, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
let dir = '';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loader-'));
  await writeSynthDataset({ out: dir, classes: 2, perClass: 5, size: 32, seed: 1 });
});

afterAll(() => ImagePool.closeShared());

describe('DataLoader', () => {
  it('yields NHWC batches with labels and indices, shuffles by seed and epoch, and caches decoded images', async () => {
    const ds = readCub(dir);
    const loader = new DataLoader(ds.samples, preset, { batchSize: 4, shuffle: true, dropLast: true, seed: 3 });
    expect(loader.length).toBe(2);
    const seen: number[][] = [];
    const before = tf.memory().numTensors;
    for (const _ of [1, 2]) {
      const epoch: number[] = [];
      for await (const b of loader) {
        expect(b.x.shape).toEqual([4, 32, 32, 3]);
        expect(Array.from(b.y.dataSync())).toEqual(b.indices.map((i) => ds.samples[i]!.label));
        epoch.push(...b.indices);
        tf.dispose([b.x, b.y]);
      }
      seen.push(epoch);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(seen[0]).toHaveLength(8);
    expect(seen[0]).not.toEqual(seen[1]); // a new order each epoch
  });

  it('augments afresh every epoch in training mode, from cached decodes, with keypoint transforms', async () => {
    const ds = readCub(dir);
    const loader = new DataLoader(ds.samples.slice(0, 2), { ...preset, crop: 24 }, { batchSize: 2, augment: true, seed: 1 });
    const epochs: Float32Array[] = [];
    for (const _ of [1, 2]) {
      for await (const b of loader) {
        expect(b.x.shape).toEqual([2, 24, 24, 3]);
        expect(b.transforms).toHaveLength(2);
        epochs.push(b.x.dataSync() as Float32Array);
        tf.dispose([b.x, b.y]);
      }
    }
    expect(Array.from(epochs[0]!)).not.toEqual(Array.from(epochs[1]!));
  });

  it('iterates a split given as original indices (repeats allowed) and reports them', async () => {
    const ds = readCub(dir);
    const loader = new DataLoader(ds.samples, preset, { batchSize: 3, indices: [7, 2, 7] });
    const got: number[] = [];
    for await (const b of loader) { got.push(...b.indices); tf.dispose([b.x, b.y]); }
    expect(got).toEqual([7, 2, 7]);
  });

  it('fails on a corrupt image naming it, or skips and counts it with skipCorrupt', async () => {
    const ds = readCub(dir);
    const bad = path.join(dir, 'broken.png');
    fs.writeFileSync(bad, 'garbage');
    const samples = [...ds.samples.slice(0, 3), { ...ds.samples[0]!, path: bad }];
    await expect((async () => { for await (const b of new DataLoader(samples, preset, { batchSize: 2 })) tf.dispose([b.x, b.y]); })())
      .rejects.toThrow(/broken.png/);
    const skipping = new DataLoader(samples, preset, { batchSize: 2, skipCorrupt: true });
    let n = 0;
    for await (const b of skipping) { n += b.indices.length; tf.dispose([b.x, b.y]); }
    expect(n).toBe(3);
    expect(skipping.skipped).toEqual([bad]);
  });

  it('a read-ahead that fails while the consumer is busy, or after it stopped, is never an unhandled rejection', async () => {
    const ds = readCub(dir);
    const bad = path.join(dir, 'truncated.png');
    fs.writeFileSync(bad, fs.readFileSync(ds.samples[0]!.path).subarray(0, 40));
    const samples = [ds.samples[0]!, { ...ds.samples[1]!, path: bad }, ds.samples[2]!];
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      // busy between batches: the failure surfaces at the next batch, naming the file
      await expect((async () => {
        for await (const b of new DataLoader(samples, preset, { batchSize: 1 })) {
          tf.dispose([b.x, b.y]);
          await new Promise((r) => setTimeout(r, 200));
        }
      })()).rejects.toThrow(/truncated.png/);
      // stops after the first batch while the second (bad) one is being read ahead
      for await (const b of new DataLoader(samples, preset, { batchSize: 1 })) {
        tf.dispose([b.x, b.y]);
        break;
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('gives byte-equal batches for a seed with 0, 1 or N workers (augmented and not, over epochs from the cache), and a bounded cache', async () => {
    const ds = readCub(dir);
    const run = async (o: Partial<LoaderOptions>) => {
      const loader = new DataLoader(ds.samples, { ...preset, crop: 24 }, { batchSize: 3, shuffle: true, seed: 7, indices: [...ds.samples.keys(), 4, 4], ...o });
      const out: string[] = [];
      try {
        for (const _ of [1, 2]) {
          for await (const b of loader) {
            out.push(`${b.indices.join(',')}|${b.transforms.flat().join(',')}|${Buffer.from((b.x.dataSync() as Float32Array).buffer).toString('base64')}`);
            tf.dispose([b.x, b.y]);
          }
        }
      } finally {
        await loader.close();
      }
      return { out, cache: loader.cacheStats };
    };
    for (const augment of [true, false]) {
      const inline = await run({ augment, numWorkers: 0 });
      expect(inline.out).toHaveLength(8);
      expect(inline.cache.images).toBe(10);
      for (const numWorkers of [1, 2]) expect((await run({ augment, numWorkers })).out).toEqual(inline.out);
      expect((await run({ augment })).out).toEqual(inline.out); // the shared pool
      const bounded = await run({ augment, numWorkers: 2, cacheMb: (4 * 32 * 32 * 3) / 2 ** 20 });
      expect(bounded.out).toEqual(inline.out);
      expect(bounded.cache.images).toBe(4);
    }
    const pool = new ImagePool(2);
    try {
      expect((await run({ augment: true, pool })).out).toEqual((await run({ augment: true, numWorkers: 0 })).out);
    } finally {
      await pool.close();
    }
  });

  it('names a corrupt file from a worker too, and skips it with skipCorrupt', async () => {
    const ds = readCub(dir);
    const bad = path.join(dir, 'broken-in-worker.png');
    fs.writeFileSync(bad, 'garbage');
    const samples = [...ds.samples.slice(0, 3), { ...ds.samples[0]!, path: bad }];
    const failing = new DataLoader(samples, preset, { batchSize: 2, numWorkers: 1 });
    await expect((async () => { for await (const b of failing) tf.dispose([b.x, b.y]); })()).rejects.toThrow(/broken-in-worker.png/);
    await failing.close();
    const skipping = new DataLoader(samples, preset, { batchSize: 2, skipCorrupt: true, numWorkers: 1 });
    let n = 0;
    for await (const b of skipping) { n += b.indices.length; tf.dispose([b.x, b.y]); }
    await skipping.close();
    expect(n).toBe(3);
    expect(skipping.skipped).toEqual([bad]);
  });
});
