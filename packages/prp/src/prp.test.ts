import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import { ProtoNet } from '@pixpnet/models';
import { prpHeatmaps } from './prp.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const config = (backbone: string, featureLayer: string, distance: 'l2' | 'cosine' = 'l2') =>
  ({ backbone, featureLayer, numClasses: 2, inputSize: [32, 32] as [number, number], numPrototypes: 4, prototypeDim: 8, distance, seed: 3 });

describe('prpHeatmaps', () => {
  it('maps every requested prototype of every image, leaves the model as it was, and no tensor behind', () => {
    const model = new ProtoNet(config('resnet_nano', 'layer2'));
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 5) as Tensor4D;
    const before = model.forward(x);
    const sims = before.maxSimilarities.arraySync();
    tf.dispose(Object.values(before));
    const n0 = tf.memory().numTensors;
    const maps = prpHeatmaps(model, x, [0, 3]);
    expect(tf.memory().numTensors).toBe(n0);
    expect(maps.length).toBe(2 * 2 * 32 * 32);
    expect(maps.some((v) => v !== 0)).toBe(true);
    expect(maps.every(Number.isFinite)).toBe(true);
    const after = model.forward(x);
    expect(after.maxSimilarities.arraySync()).toEqual(sims);
    tf.dispose([...Object.values(after), x]);
  });
});
