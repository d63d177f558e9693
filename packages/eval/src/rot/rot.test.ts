import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import type { ProtoNet } from '@pixpnet/models';
import { tinyLoader, tinyModel, tinySamples } from '../tiny.testkit.js';
import { rfHeatmaps } from '../maps/gaussian.js';
import { relevanceOrderingTest, rotSamplePositions } from './rot.js';
import { rotSteps } from './steps.js';
import { pctAtOrigSim, rotArea } from './summary.js';

let model: ProtoNet;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  model = tinyModel();
});
afterAll(() => model.dispose());

const simOf = (x: Float32Array) => tf.tidy(() => {
  const out = model.forward(tf.tensor4d(x, [1, 16, 16, 3]));
  return { max: out.maxSimilarities.dataSync() as Float32Array, maps: tf.transpose(model.similarity(out.distances), [0, 3, 1, 2]).dataSync() as Float32Array };
});

/**
 * The ROT of each image written out literally: one forward per (image, prototype, pixel count), images one at a
 * time; for each image its label and, per prototype of its class, the similarity at each of `counts` pixels.
 */
async function literalCurves(n: number, zeros: boolean, counts: readonly number[] = Array.from({ length: 257 }, (_, t) => t)) {
  const samples = tinySamples(n);
  const HW = 256;
  const baseline = zeros ? new Float32Array(HW * 3) : tf.tidy(() => tf.randomNormal([1, 16, 16, 3], 0, 1, 'float32', 4).dataSync() as Float32Array);
  const out: Array<{ label: number; curves: Map<number, number[]> }> = [];
  for await (const b of tinyLoader(samples, 1)) {
    const img = b.x.dataSync() as Float32Array;
    const label = b.y.dataSync()[0]!;
    tf.dispose([b.x, b.y]);
    const { maps } = simOf(img);
    const protos = [2 * label, 2 * label + 1];
    const heat = rfHeatmaps(maps, model.latentGrid, model.rfBoxes, [16, 16], { prototypes: protos }).max;
    const curves = new Map<number, number[]>();
    protos.forEach((p, q) => {
      const order = Array.from({ length: HW }, (_, i) => i).sort((a, c) => heat[q * HW + c]! - heat[q * HW + a]! || a - c);
      curves.set(p, counts.map((t) => {
        const x = Float32Array.from(baseline);
        for (const px of order.slice(0, t)) for (let ch = 0; ch < 3; ch++) x[px * 3 + ch] = img[px * 3 + ch]!;
        return simOf(x).max[p]!;
      }));
    });
    out.push({ label, curves });
  }
  return out;
}

/** Per prototype, the sum of its curves over the images it was evaluated on and their number. */
async function bruteForce(n: number, zeros: boolean) {
  const sums = new Map<number, { curve: Float64Array; n: number }>();
  for (const { curves } of await literalCurves(n, zeros)) {
    for (const [p, c] of curves) {
      const e = sums.get(p) ?? { curve: new Float64Array(c.length), n: 0 };
      c.forEach((v, t) => { e.curve[t]! += v; });
      e.n++;
      sums.set(p, e);
    }
  }
  return sums;
}

describe('relevance ordering test (spec §6.5)', () => {
  it('equals a literal loop of single forwards on a tiny model (zeros and noise baselines), leaking no tensor', async () => {
    for (const zeros of [true, false]) {
      const want = await bruteForce(2, zeros);
      const before = tf.memory().numTensors;
      const r = await relevanceOrderingTest(model, tinyLoader(tinySamples(2), 2), { method: 'rf', batchSize: 7, numSamples: 2, zeros });
      expect(tf.memory().numTensors).toBe(before);
      expect(r.steps.length).toBe(257);
      expect(r.forwards).toBe(2 * 2 * 257);
      expect(r.images).toBe(2);
      for (let p = 0; p < 4; p++) {
        const w = want.get(p);
        if (!w) { expect(r.perPrototype[p]).toBeNull(); continue; }
        const got = r.perPrototype[p]!;
        for (let t = 0; t < 257; t++) expect(got[t]).toBeCloseTo(w.curve[t]! / w.n, 4);
      }
      const curves = r.perPrototype.filter((c): c is number[] => c !== null);
      r.agg.forEach((v, t) => expect(v).toBeCloseTo(curves.reduce((a, c) => a + c[t]!, 0) / curves.length, 6));
    }
  });

  it('the fast test with every pixel count is the exact test; fewer counts keep the end points', async () => {
    const exact = await relevanceOrderingTest(model, tinyLoader(tinySamples(4)), { method: 'upsample', batchSize: 16, numSamples: 4 });
    const full = await relevanceOrderingTest(model, tinyLoader(tinySamples(4)), { method: 'upsample', batchSize: 16, numSamples: 4, steps: 257 });
    expect(full.steps).toEqual(exact.steps);
    expect(full.agg).toEqual(exact.agg);
    expect(full.area).toBe(exact.area);
    const fast = await relevanceOrderingTest(model, tinyLoader(tinySamples(4)), { method: 'upsample', batchSize: 16, numSamples: 4, steps: 9 });
    expect(fast.forwards).toBe(exact.forwards * 9 / 257);
    expect(fast.agg[0]).toBeCloseTo(exact.agg[0]!, 5);
    expect(fast.agg[8]).toBeCloseTo(exact.agg[256]!, 5);
    fast.steps.forEach((t, k) => expect(fast.agg[k]).toBeCloseTo(exact.agg[t]!, 5));
  });

  it('random maps are seeded: the same seed gives the same curve, another seed another', async () => {
    const run = (seed: number) => relevanceOrderingTest(model, tinyLoader(tinySamples(2)), { method: 'random', batchSize: 32, numSamples: 2, seed, steps: 9 });
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(a.agg).toEqual(b.agg);
    expect(a.agg).not.toEqual(c.agg);
  });

  it('counts images per prototype by default; --rot.legacy-counting reproduces the per-batch count (division by zero)', async () => {
    // batches of 2 images of classes 0 and 1: the reference credits the whole batch to class 1's prototypes only
    const fixed = await relevanceOrderingTest(model, tinyLoader(tinySamples(4), 2), { method: 'rf', batchSize: 8, numSamples: 4, steps: 5, zeros: true });
    const legacy = await relevanceOrderingTest(model, tinyLoader(tinySamples(4), 2), { method: 'rf', batchSize: 8, numSamples: 4, steps: 5, zeros: true, legacyRotCounting: true });
    expect(fixed.agg.every(Number.isFinite)).toBe(true);
    for (const p of [0, 1]) expect(legacy.perPrototype[p]!.every((v) => !Number.isFinite(v))).toBe(true); // class 0: x / 0
    for (const p of [2, 3]) legacy.perPrototype[p]!.forEach((v, k) => expect(v).toBeCloseTo(fixed.perPrototype[p]![k]! / 2, 5)); // 2 images counted as 4
  });

  it('--rot.legacy-counting adds the images a batch really evaluated, not the batch size, when --rot.num-samples cuts the batch (the reference: len(x) after truncation)', async () => {
    // 5 images of classes 0 1 0 1 0 in loader batches of 2; 3 samples: batch [0, 1] whole, batch [2, 3] cut to [2]
    const r = await relevanceOrderingTest(model, tinyLoader(tinySamples(5), 2), { method: 'rf', batchSize: 2, numSamples: 3, steps: 5, zeros: true, legacyRotCounting: true });
    expect(r.images).toBe(3);
    const imgs = await literalCurves(3, true, r.steps);
    expect(imgs.map((i) => i.label)).toEqual([0, 1, 0]);
    // the reference's rule, per batch: the evaluated images' similarities summed per prototype, then the number of
    // images evaluated in the batch credited to the prototypes of the class of its last image
    //   batch 1 (images 0, 1; last of class 1): prototypes 2, 3 count 2 — prototypes 0, 1 get image 0's sums, count 0
    //   batch 2 (image 2 only; class 0):        prototypes 0, 1 count 1 (not 2, the loader's batch size)
    const want = (p: number) => {
      const sum = r.steps.map((_, k) => imgs.reduce((a, i) => a + (i.curves.get(p)?.[k] ?? 0), 0));
      return sum.map((v) => v / (p < 2 ? 1 : 2));
    };
    for (let p = 0; p < 4; p++) r.perPrototype[p]!.forEach((v, k) => expect(v).toBeCloseTo(want(p)[k]!, 5));
    r.agg.forEach((v, k) => expect(v).toBeCloseTo([0, 1, 2, 3].reduce((a, p) => a + want(p)[k]!, 0) / 4, 5));
    // the per-image counting of the same images: prototypes 0, 1 over images 0 and 2, prototypes 2, 3 over image 1
    const fixed = await relevanceOrderingTest(model, tinyLoader(tinySamples(5), 2), { method: 'rf', batchSize: 2, numSamples: 3, steps: 5, zeros: true });
    for (let p = 0; p < 4; p++) fixed.perPrototype[p]!.forEach((v, k) => expect(v).toBeCloseTo(want(p)[k]! / (p < 2 ? 2 : 0.5), 5));
  });

  it('images: the first in loader order (the reference) or spread evenly over the split', async () => {
    expect(rotSamplePositions(10, 3, 'first')).toEqual([0, 1, 2]);
    expect(rotSamplePositions(10, 3, 'spread')).toEqual([0, 3, 6]);
    expect(rotSamplePositions(2, 5, 'spread')).toEqual([0, 1]);
    // 4 images of classes 0, 1, 0, 1: the first two cover both classes, positions 0 and 2 only class 0
    const first = await relevanceOrderingTest(model, tinyLoader(tinySamples(4)), { method: 'rf', batchSize: 8, numSamples: 2, steps: 3 });
    const spread = await relevanceOrderingTest(model, tinyLoader(tinySamples(4)), { method: 'rf', batchSize: 8, numSamples: 2, steps: 3, sampleOrder: 'spread' });
    expect(first.perPrototype.map((c) => c !== null)).toEqual([true, true, true, true]);
    expect(spread.perPrototype.map((c) => c !== null)).toEqual([true, true, false, false]);
    expect(spread.images).toBe(2);
  });

  it('normalised curves end at 1 (the original image)', async () => {
    const r = await relevanceOrderingTest(model, tinyLoader(tinySamples(2)), { method: 'rf', batchSize: 16, numSamples: 2, steps: 5, normalized: true });
    expect(r.agg[4]).toBeCloseTo(1, 5);
  });

  it('rejects a bad parameter or an unknown method before any forward', async () => {
    await expect(relevanceOrderingTest(model, tinyLoader(tinySamples(2)), { method: 'gradcam', batchSize: 2 })).rejects.toThrow(/Unknown heat-map method 'gradcam': choose one of rf, upsample, random/);
    await expect(relevanceOrderingTest(model, tinyLoader(tinySamples(2)), { method: 'rf', batchSize: 2, propPixels: 0 })).rejects.toThrow(/--rot.prop-pixels must be in \(0, 1\]/);
    await expect(relevanceOrderingTest(model, tinyLoader(tinySamples(2)), { method: 'rf', batchSize: 2, steps: 1 })).rejects.toThrow(/--rot.steps must be a whole number ≥ 2/);
  });
});

describe('ROT summaries', () => {
  it('area of the normalised curve by trapezoids; pct@orig.sim', () => {
    expect(rotArea([0, 0.5, 1], [2, 3, 4])).toBeCloseTo(0.5, 12); // linear
    expect(rotArea([0, 0.25, 1], [0, 1, 1])).toBeCloseTo(0.875, 12);
    expect(rotArea([0, 0.5, 1], [1, 0, 2])).toBeCloseTo(-0.25, 12); // normalised [0, -1, 1]: can be negative
    expect(pctAtOrigSim([0, 25, 50, 100], [0, 1, 3, 2])).toBe(50);
    expect(pctAtOrigSim([0, 50, 100], [0, 1, NaN])).toBeNaN();
  });
  it('pixel counts: ends kept, distinct, ascending; K ≥ T is every count', () => {
    expect(rotSteps(5)).toEqual([0, 1, 2, 3, 4]);
    expect(rotSteps(5, 9)).toEqual([0, 1, 2, 3, 4]);
    for (const K of [2, 3, 10, 33, 40]) {
      const s = rotSteps(4097, K);
      expect(s.length).toBe(K);
      expect(s[0]).toBe(0);
      expect(s.at(-1)).toBe(4096);
      for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]!);
    }
  });
});
