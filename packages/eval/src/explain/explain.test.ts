import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor2D, Tensor4D } from '@pixpnet/engine';
import { ProtoNet } from '@pixpnet/models';
import { TINY_PRESET, tinyModel, tinySamples } from '../tiny.testkit.js';
import { contributions, explainImage } from './explain.js';
import { crop, denormalise, overlayHeatmap, scaleNearest } from './image.js';
import { renderExplanationPanel, sig3 } from './panel.js';
import { prototypePatches } from './patches.js';
import { explainItems } from './run.js';

let model: ProtoNet;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  model = tinyModel();
});
afterAll(() => model.dispose());

const image = () => tf.randomNormal([1, 16, 16, 3], 0, 1, 'float32', 9) as Tensor4D;

describe('contributions to the predicted class (spec §8 step 2)', () => {
  const sims = Float32Array.from([1, 2, 3, 4]);
  it('linear: W[c, :] · s', () => {
    // the class-specific initial readout: 1 for own prototypes, −0.5 for the others
    expect(Array.from(contributions(model, sims, 1))).toEqual([-0.5, -1, 3, 4]);
  });
  it('sparse: the class group weights times its similarities; proto: its similarities; zero elsewhere', () => {
    const cfg = { backbone: 'vgg_nano_bn', featureLayer: 'maxpool1', numClasses: 2, inputSize: [16, 16] as [number, number], numPrototypes: 4, prototypeDim: 4 };
    const sparse = new ProtoNet({ ...cfg, readout: 'sparse' });
    sparse.readout!.assign(tf.tensor2d([[1, 2], [3, 4]]) as Tensor2D);
    expect(Array.from(contributions(sparse, sims, 1))).toEqual([0, 0, 9, 16]);
    sparse.dispose();
    const proto = new ProtoNet({ ...cfg, readout: 'proto' });
    expect(Array.from(contributions(proto, sims, 0))).toEqual([1, 2, 0, 0]);
    proto.dispose();
  });
});

describe('explainImage', () => {
  it('the top prototypes by contribution, their best cells\' receptive fields and heat maps, leaking nothing', async () => {
    const x = image();
    const before = tf.memory().numTensors;
    const e = await explainImage(model, x, { topK: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const out = model.forward(x);
    const logits = Array.from(out.logits.dataSync());
    const sims = out.maxSimilarities.dataSync() as Float32Array;
    const cells = out.minDistIdxs.dataSync();
    tf.dispose(Object.values(out));
    x.dispose();
    expect(e.predicted).toBe(logits.indexOf(Math.max(...logits)));
    expect(e.evidence).toHaveLength(3);
    const c = contributions(model, sims, e.predicted);
    const want = [0, 1, 2, 3].sort((a, b) => c[b]! - c[a]!).slice(0, 3);
    expect(e.evidence.map((v) => v.prototype)).toEqual(want);
    for (const v of e.evidence) {
      expect(v.cell).toBe(cells[v.prototype]);
      const [h0, h1, w0, w1] = model.rfBoxes[v.cell]!;
      expect(v.box).toEqual([w0, h0, w1, h1]);
      expect(v.heatmap).toHaveLength(256);
      expect(v.similarity).toBeCloseTo(sims[v.prototype]!, 5);
    }
  });
  it('sorts by similarity or not at all', async () => {
    const x = image();
    const bySim = await explainImage(model, x, { topK: 4, sort: 'similarity' });
    const none = await explainImage(model, x, { topK: 4, sort: 'none', heatmap: 'upsample' });
    x.dispose();
    for (let i = 1; i < 4; i++) expect(bySim.evidence[i]!.similarity).toBeLessThanOrEqual(bySim.evidence[i - 1]!.similarity);
    expect(none.evidence.map((v) => v.prototype)).toEqual([0, 1, 2, 3]);
    expect(none.heatmapMethod).toBe('upsample');
  });
});

describe('drawing', () => {
  it('3 significant digits as the reference', () => {
    expect([4.4123, 0.0012345, 123.46, -2.5, 1000.4].map(sig3)).toEqual(['4.41', '0.00123', '123', '-2.5', '1000']);
  });
  it('denormalises, crops, scales by whole factors and blends the jet heat map 0.4 / 0.6', () => {
    const rgb = denormalise(Float32Array.from([0, 0, 0, 2, -2, 4]), 2, 1, { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
    expect(Array.from(rgb.data)).toEqual([128, 128, 128, 255, 0, 255]);
    const big = scaleNearest(rgb, 3);
    expect([big.w, big.h]).toEqual([6, 3]);
    expect(Array.from(crop(big, [3, 1, 4, 2]).data)).toEqual([255, 0, 255]);
    const o = overlayHeatmap({ data: new Uint8Array(6).fill(100), w: 2, h: 1 }, Float32Array.from([0, 5]));
    expect(Array.from(o.data)).toEqual([60, 60, Math.round(0.4 * 131 + 60), Math.round(0.4 * 128 + 60), 60, 60]); // jet's ends: (0, 0, 131), (128, 0, 0)
  });
  it('a panel of one row per prototype; a prototype never pushed is drawn as "no sample"', async () => {
    const samples = tinySamples(2);
    const records = await explainItems({ model, samples, preset: TINY_PRESET, classNames: ['wren', 'robin'] },
      [{ sample: samples[0]!, name: 'first', actual: 0 }], { topK: 2 });
    expect(records[0]!.prototypes).toHaveLength(2);
    expect(records[0]!.actual).toEqual({ index: 0, name: 'wren' });
    expect(records[0]!.file).toBeUndefined();
    const patches = await prototypePatches(model, [0], samples, TINY_PRESET); // the tiny model was never pushed
    expect(patches.get(0)).toBeNull();
    const x = image();
    const e = await explainImage(model, x, { topK: 2 });
    x.dispose();
    const png = await renderExplanationPanel({ image: { data: new Uint8Array(16 * 16 * 3).fill(200), w: 16, h: 16 }, explanation: e, patches: [null, null], classNames: ['wren', 'robin'], actual: 1 });
    const meta = await sharp(png).metadata();
    expect(meta.width).toBeGreaterThan(4 * 192);
    expect(meta.height).toBeGreaterThan(2 * 192);
  });
});
