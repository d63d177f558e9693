import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import { ProtoNet } from '@pixpnet/models';
import { prpHeatmaps } from './prp.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const config = (backbone: string, featureLayer: string, distance: 'l2' | 'cosine' = 'l2', size = 32) =>
  ({ backbone, featureLayer, numClasses: 2, inputSize: [size, size] as [number, number], numPrototypes: 4, prototypeDim: 8, distance, seed: 3 });
const image = (n: number, size = 32, seed = 5) => tf.randomNormal([n, size, size, 3], 0, 1, 'float32', seed) as Tensor4D;

describe('prpHeatmaps', () => {
  it('maps every requested prototype of every image, leaves the model as it was, and no tensor behind', () => {
    const model = new ProtoNet(config('resnet_nano', 'layer2'));
    const x = image(2);
    const before = model.forward(x);
    const sims = before.maxSimilarities.arraySync();
    tf.dispose(Object.values(before));
    const n0 = tf.memory().numTensors;
    const maps = prpHeatmaps(model, x, [0, 3]);
    expect(tf.memory().numTensors).toBe(n0);
    expect(maps.length).toBe(2 * 2 * 32 * 32);
    expect(maps.every(Number.isFinite)).toBe(true);
    const after = model.forward(x);
    expect(after.maxSimilarities.arraySync()).toEqual(sims);
    tf.dispose([...Object.values(after), x]);
    model.dispose();
  });

  for (const [backbone, layer, distance] of [['resnet_nano', 'layer2', 'l2'], ['resnet_nano_bottleneck', 'layer3', 'cosine'], ['vgg_nano_bn', 'maxpool3', 'l2']] as const) {
    it(`${backbone} ${layer} (${distance}): each map is zero outside the best cell's receptive field, and not inside`, () => {
      const model = new ProtoNet(config(backbone, layer, distance));
      const x = image(2);
      const out = model.forward(x);
      const idx = out.minDistIdxs.arraySync() as number[][];
      tf.dispose(Object.values(out));
      for (const legacyInputRule of [false, true]) {
        const maps = prpHeatmaps(model, x, [1, 2], { legacyInputRule });
        for (let n = 0; n < 2; n++) {
          [1, 2].forEach((p, k) => {
            const m = maps.subarray((n * 2 + k) * 1024, (n * 2 + k + 1) * 1024);
            const [h0, h1, w0, w1] = model.rfBoxes[idx[n]![p]!]!;
            let outside = 0, inside = 0;
            m.forEach((v, i) => {
              const h = Math.floor(i / 32), w = i % 32;
              if (h >= h0 && h < h1 && w >= w0 && w < w1) inside += Math.abs(v);
              else outside += Math.abs(v);
            });
            expect(outside).toBe(0);
            expect(inside).toBeGreaterThan(0);
          });
        }
      }
      x.dispose();
      model.dispose();
    });
  }

  it('a batch gives the maps of its images one by one; legacyCumulative sums them over the prototypes', () => {
    const model = new ProtoNet(config('vgg_nano_bn', 'maxpool3', 'cosine'));
    const x = image(3);
    const batch = prpHeatmaps(model, x, [3, 0]);
    for (let n = 0; n < 3; n++) {
      const one = tf.slice(x, [n, 0, 0, 0], [1, 32, 32, 3]);
      const m = prpHeatmaps(model, one, [3, 0]);
      one.dispose();
      const b = batch.subarray(n * 2 * 1024, (n + 1) * 2 * 1024);
      let err = 0, max = 0;
      m.forEach((v, i) => { err = Math.max(err, Math.abs(v - b[i]!)); max = Math.max(max, Math.abs(v)); });
      expect(err / max).toBeLessThan(1e-5);
    }
    const cum = prpHeatmaps(model, x, [3, 0], { legacyCumulative: true });
    for (let i = 0; i < cum.length; i++) {
      const k = Math.floor(i / 1024) % 2;
      const expected = k === 0 ? batch[i]! : batch[i]! + batch[i - 1024]!;
      expect(cum[i]).toBeCloseTo(expected, 5);
    }
    x.dispose();
    model.dispose();
  });

  it('DenseNet and SqueezeNet backbones (concatenations, unfolded batch norms) work; an op without a rule is refused by name', () => {
    for (const [backbone, layer] of [['densenet121', 'transition1'], ['squeezenet1_1', 'maxpool2']] as const) {
      const model = new ProtoNet(config(backbone, layer, 'l2', 64));
      const x = image(1, 64);
      const m = prpHeatmaps(model, x, [0]);
      expect(m.every(Number.isFinite) && m.some((v) => v !== 0), backbone).toBe(true);
      x.dispose();
      model.dispose();
    }
    const convnext = new ProtoNet(config('convnext_tiny', '1', 'l2', 64));
    const x = image(1, 64);
    const n0 = tf.memory().numTensors;
    expect(() => prpHeatmaps(convnext, x, [0])).toThrow(/PRP has no relevance rule for the op 'layerNorm2d' \(node features\.0\.1\)/);
    expect(tf.memory().numTensors).toBe(n0);
    expect(() => prpHeatmaps(convnext, x, [4])).toThrow(/prototype 4 is not one of the model's 4/);
    x.dispose();
    convnext.dispose();
  });
});
