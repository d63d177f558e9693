import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init.js';
import { relativeError, runOn, seededValues } from '../testing.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('FusedBatchNorm (tf.batchNorm) on wasm matches the cpu backend', () => {
  it.each([
    { shape: [3, 5, 7, 6], scale: true, offset: true },
    { shape: [130, 5], scale: false, offset: true },
    { shape: [2, 4, 4, 3], scale: true, offset: false },
    { shape: [2, 9, 9, 13], scale: false, offset: false },
  ])('$shape, scale $scale, offset $offset', async ({ shape, scale, offset }) => {
    const C = shape[shape.length - 1]!;
    const xv = seededValues(shape.reduce((a, b) => a * b), 61).map((v) => v * 4 + 3);
    const run = () => tf.batchNorm(tf.tensor(xv, shape), tf.tensor1d(seededValues(C, 62)), tf.tensor1d(seededValues(C, 63).map((v) => v * v + 0.5)),
      offset ? tf.tensor1d(seededValues(C, 64)) : undefined, scale ? tf.tensor1d(seededValues(C, 65)) : undefined, 1e-3);
    const before = tf.memory().numTensors;
    const [w] = await runOn('wasm', run);
    const [c] = await runOn('cpu', run);
    await tf.setBackend('wasm');
    expect(relativeError(w!, c!)).toBeLessThanOrEqual(1e-6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves scalar statistics to the backend\'s own kernel', async () => {
    const run = () => tf.batchNorm(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.scalar(1), tf.scalar(4));
    const [w] = await runOn('wasm', run);
    await tf.setBackend('wasm');
    [0, 1, 2, 3].forEach((v, i) => expect(w![i]).toBeCloseTo(v / Math.sqrt(4.001), 6));
  });
});
