import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import { DataLoader } from '@pixpnet/data';
import type { ProtoNet } from '@pixpnet/models';
import { TINY_PRESET, tinyLoader, tinyModel, tinySamples } from '../tiny.testkit.js';
import { forwardArrays } from '../forward.js';
import { batchParts } from '../parts.js';
import { boxAround, partsInBox, prototypeCenters } from './boxes.js';
import type { BoxMethod } from './boxes.js';
import { rfHeatmaps } from '../maps/gaussian.js';
import { ConsistencyAccumulator } from './consistency.js';
import { partMetrics } from './part_metrics.js';

let model: ProtoNet;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  model = tinyModel();
});
afterAll(() => model.dispose());

describe('consistency and stability over a loader (spec §6.1–6.4)', () => {
  it('a box at the image centre: known by construction (parts at (2, 2) and (12, 12) of 16×16 images)', async () => {
    const before = tf.memory().numTensors;
    // radius 5: the box [3, 13)² holds the part at (12, 12) on every image, never the one at (2, 2)
    const wide = await partMetrics(model, tinyLoader(tinySamples(6)), { methods: ['center'], boxRadius: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(wide.images).toBe(6);
    expect(wide.consistency!.center!.soft).toBe(1);
    expect(wide.consistency!.center!.hard).toBe(1);
    expect(wide.stability!.center!.soft).toBe(1);
    expect(wide.stability!.center!.hard).toBe(1);
    // radius 3: the box [5, 11)² holds neither part
    const narrow = await partMetrics(model, tinyLoader(tinySamples(6)), { methods: ['center'], boxRadius: 3 });
    expect(narrow.consistency!.center!.soft).toBe(0);
    expect(narrow.consistency!.center!.hard).toBe(0);
    expect(narrow.stability!.center!.hard).toBe(1); // nothing in the box, clean or noisy: unchanged
    expect(narrow.stability!.center!.soft).toBe(1); // two empty sets are identical
    const legacy = await partMetrics(model, tinyLoader(tinySamples(6)), { methods: ['center'], boxRadius: 3, legacySoftStability: true, consistency: false });
    expect(legacy.consistency).toBeUndefined();
    expect(Number.isNaN(legacy.stability!.center!.soft)).toBe(true); // the reference's NaN poisoning
  });

  it('a part never visible on a class\'s images: ignored by default, the prototype NaN with legacyMissingPartNan (part ids from every annotation, visible or not)', async () => {
    // classes alternate; on class 1's images part 0 at (2, 2) is annotated but not visible. The centre box of radius 5,
    // [3, 13)², holds part 1 at (12, 12) on every image: each prototype's best part scores 1
    const samples = tinySamples(6);
    for (const s of samples.filter((x) => x.label === 1)) s.parts = s.parts!.map((p) => (p.partId === 0 ? { ...p, visible: false } : p));
    const fixed = await partMetrics(model, tinyLoader(samples), { methods: ['center'], boxRadius: 5 });
    expect(fixed.consistency!.center!.perPrototype.soft).toEqual([1, 1, 1, 1]);
    expect([fixed.consistency!.center!.soft, fixed.consistency!.center!.hard]).toEqual([1, 1]);
    const legacy = await partMetrics(model, tinyLoader(samples), { methods: ['center'], boxRadius: 5, legacyMissingPartNan: true });
    const c = legacy.consistency!.center!;
    expect(c.perPrototype.soft.slice(0, 2)).toEqual([1, 1]);
    expect(c.perPrototype.soft.slice(2).every(Number.isNaN)).toBe(true); // class 1's prototypes never saw part 0
    expect(c.soft).toBe(1); // the NaN-mean: class 0's prototypes only
    expect(c.hard).toBe(0.5); // NaN is not consistent: 2 of the 4 prototypes
    expect(legacy.stability!.center!.perPrototype).toEqual(fixed.stability!.center!.perPrototype); // stability has no per-part ratio
  });

  it('stability noise is seeded: the same seed (0 included) gives the same scores', async () => {
    const run = (seed: number) => partMetrics(model, tinyLoader(tinySamples(6)), { methods: ['bbox'], boxRadius: 2, consistency: false, seed, noiseStd: 1 });
    const [a, b, c] = [await run(0), await run(0), await run(3)];
    expect(a.stability!.bbox!.perPrototype).toEqual(b.stability!.bbox!.perPrototype);
    expect(c.stability!.bbox!.perPrototype).not.toEqual(a.stability!.bbox!.perPrototype);
  });

  it('bbox consistency: the best cell of each prototype of the image class, its receptive field centre, the box around it', async () => {
    const samples = tinySamples(6);
    const r = await partMetrics(model, tinyLoader(samples), { methods: ['bbox', 'upsample'], boxRadius: 2, stability: false });
    const want = new ConsistencyAccumulator(4);
    for await (const b of tinyLoader(samples, 6)) {
      const f = forwardArrays(model, b.x);
      const labels = b.y.dataSync();
      tf.dispose([b.x, b.y]);
      b.indices.forEach((_, n) => {
        for (const p of [2 * labels[n]!, 2 * labels[n]! + 1]) {
          const [h0, h1, w0, w1] = model.rfBoxes[f.minDistIdxs[n * 4 + p]!]!;
          want.add(p, partsInBox(samples[n]!.parts!.map((q) => ({ partId: q.partId, box: [q.x, q.y, q.x + 1, q.y + 1] })), boxAround([(w0 + w1) / 2, (h0 + h1) / 2], 2)));
        }
      });
    }
    expect(r.consistency!.bbox!.perPrototype.soft).toEqual(want.result().perPrototype.soft);
    expect(r.consistency!.upsample).toBeDefined();
  });

  it('images without a visible part inside the input are skipped; none at all is an error', async () => {
    const samples = tinySamples(4);
    samples[1]!.parts = samples[1]!.parts!.map((p) => ({ ...p, visible: false }));
    samples[2]!.parts = [{ partId: 0, partIdOrig: 0, x: 40, y: 3, visible: true, source: 'part_locs.txt:7' }]; // outside the 16×16 image
    const r = await partMetrics(model, tinyLoader(samples), { methods: ['center'], stability: false });
    expect([r.images, r.skippedImages, r.droppedParts, r.outsideParts]).toEqual([2, 2, 0, 1]);
    await expect(partMetrics(model, new DataLoader(samples, TINY_PRESET, { batchSize: 2, augment: true }), {})).rejects.toThrow(/evaluation loader/);
    const none = tinySamples(2, { parts: [] });
    await expect(partMetrics(model, tinyLoader(none), {})).rejects.toThrow(/No test image has a visible part/);
  });
});

describe('part-correctness over a loader', () => {
  // class 0 is defined by part 1, class 1 by part 0; the centre box of radius 5 is [3, 13)²: it holds part 1 at
  // (12, 12), never part 0 at (2, 2); on images 3–5 part 1 is moved to (14, 14), outside it
  const classParts = new Map([[0, new Set([1])], [1, new Set([0])]]);
  const moved = () => {
    const samples = tinySamples(6);
    for (const s of samples.slice(3)) s.parts = s.parts!.map((q) => (q.partId === 1 ? { ...q, x: 14, y: 14 } : q));
    return samples;
  };

  it('known by construction: with k ≥ the images, each prototype is judged on every image of every class', async () => {
    const before = tf.memory().numTensors;
    const r = await partMetrics(model, tinyLoader(moved()), { methods: ['center'], boxRadius: 5, consistency: false, stability: false, classParts, partTopK: 10 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.consistency).toBeUndefined();
    expect(r.stability).toBeUndefined();
    // class 0's prototypes: part 1 in the box on images 0, 1, 2 of 6 (image 1 is of class 1: it counts, 3/6 and not 2/3)
    expect(r.partCorrectness!.center!.perPrototype).toEqual([0.5, 0.5, 0, 0]);
    expect(r.partCorrectness!.center!.score).toBe(0.25);
    // computed in the same pass as consistency, which does not change
    const all = await partMetrics(model, tinyLoader(moved()), { methods: ['center'], boxRadius: 5, classParts, partTopK: 10 });
    const alone = await partMetrics(model, tinyLoader(moved()), { methods: ['center'], boxRadius: 5 });
    expect(all.partCorrectness!.center!.perPrototype).toEqual([0.5, 0.5, 0, 0]);
    expect(all.consistency!.center!.perPrototype).toEqual(alone.consistency!.center!.perPrototype);
    expect(alone.partCorrectness).toBeUndefined();
  });

  it("each prototype's top k images by maximum similarity over the whole split, for every box method (against a brute force)", async () => {
    // a keypoint every 3 px, ids 0–4 in a pattern that changes with the image: every 4-px box holds one or more parts,
    // which define the prototype's class (0, 1 for class 0; 2 for class 1) on some images and not on others
    const samples = tinySamples(8);
    samples.forEach((s, i) => {
      s.parts = Array.from({ length: 36 }, (_, t) => ({ partId: (i * 7 + (t % 6) + 2 * Math.floor(t / 6)) % 5, partIdOrig: 0, x: 3 * (t % 6), y: 3 * Math.floor(t / 6), visible: true }));
    });
    const defining = new Map([[0, new Set([0, 1])], [1, new Set([2])]]);
    const methods: BoxMethod[] = ['bbox', 'upsample', 'heatmap_max', 'center'];
    const k = 3;
    const r = await partMetrics(model, tinyLoader(samples, 4), { methods, boxRadius: 2, stability: false, classParts: defining, partTopK: k });
    // brute force: every (image, prototype), the box of every prototype, ranked afterwards (stable sort: ties keep loader order)
    const rows: Array<{ p: number; sim: number; hits: Record<string, boolean> }> = [];
    for await (const b of tinyLoader(samples, 8)) {
      const f = forwardArrays(model, b.x, { maps: true });
      tf.dispose([b.x, b.y]);
      const all = [0, 1, 2, 3];
      b.indices.forEach((i, n) => {
        const parts = samples[i]!.parts!.map((q) => ({ partId: q.partId, box: [q.x, q.y, q.x + 1, q.y + 1] as [number, number, number, number] }));
        const maps = rfHeatmaps(f.similarities!.subarray(n * 4 * 64, (n + 1) * 4 * 64), model.latentGrid, model.rfBoxes, model.config.inputSize, { prototypes: all });
        const hits = Object.fromEntries(methods.map((m) => [m, prototypeCenters(m, model, all, f.minDistIdxs.subarray(n * 4, n * 4 + 4), maps)
          .map((c) => partsInBox(parts, boxAround(c, 2)))]));
        for (const p of all) {
          const ids = defining.get(model.prototypeClass(p))!;
          rows.push({ p, sim: f.maxSimilarities[n * 4 + p]!, hits: Object.fromEntries(methods.map((m) => [m, [...hits[m]![p]!].some(([id, inside]) => inside && ids.has(id))])) });
        }
      });
    }
    for (const m of methods) {
      const want = [0, 1, 2, 3].map((p) => {
        const top = rows.filter((x) => x.p === p).sort((a, b) => b.sim - a.sim).slice(0, k);
        return top.filter((x) => x.hits[m]).length / k;
      });
      expect(r.partCorrectness![m]!.perPrototype, m).toEqual(want);
      if (m === 'bbox') expect(new Set(want).size).toBeGreaterThan(1); // not a trivial case
    }
    // the top k matter: judged on every image, the scores differ
    const every = await partMetrics(model, tinyLoader(samples, 4), { methods: ['bbox'], boxRadius: 2, consistency: false, stability: false, classParts: defining, partTopK: 8 });
    expect(every.partCorrectness!.bbox!.perPrototype).not.toEqual(r.partCorrectness!.bbox!.perPrototype);
  });
});

describe('part mapping (spec §6.1)', () => {
  it('follows the real aspect-preserving resize; the legacy flag reproduces the square-resize assumption', async () => {
    // a 32×16 image, shorter side resized to 16 (no change) then centre-cropped to 16: x → x − 8; the reference
    // assumed a square resize to 16×16 (x → x/2) and no crop offset
    const samples = tinySamples(1, { width: 32, height: 16, parts: [{ partId: 3, partIdOrig: 3, x: 20, y: 4, visible: true }] });
    const preset = { ...TINY_PRESET, resize: 16 };
    for await (const b of new DataLoader(samples, preset, { batchSize: 1, augment: false })) {
      expect(batchParts(b, samples, { preset }).parts[0]![0]!.box).toEqual([12, 4, 13, 5]);
      expect(batchParts(b, samples, { preset, legacyPartMapping: true }).parts[0]![0]!.box).toEqual([10, 4, 11, 5]);
      tf.dispose([b.x, b.y]);
    }
  });
});
