import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init.js';
import { relativeError, runOn, seededValues } from '../testing.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('UnsortedSegmentSum on wasm matches the cpu backend', () => {
  it.each([
    { xShape: [6, 4], ids: [0, 2, 2, 1, 0, 4], n: 5 },
    { xShape: [5, 2, 3], ids: [3, 3, 0, -1, 9], n: 4 }, // out-of-range ids are dropped
  ])('x $xShape, ids $ids', async ({ xShape, ids, n }) => {
    const xv = seededValues(xShape.reduce((a, b) => a * b), 21);
    const compute = () =>
      tf.engine().runKernel('UnsortedSegmentSum', { x: tf.tensor(xv, xShape), segmentIds: tf.tensor(ids as number[], undefined, 'int32') },
        { numSegments: n }) as tf.Tensor;
    const [cpu] = await runOn('cpu', compute);
    const [wasm] = await runOn('wasm', compute);
    expect(relativeError(wasm!, cpu!)).toBeLessThanOrEqual(1e-6);
  });

  it('makes the gradient of gather work on wasm', async () => {
    const grad = () => tf.grad((p: tf.Tensor) => tf.sum(tf.gather(p, tf.tensor1d([0, 2, 2], 'int32'))))(tf.ones([4, 3]));
    const [cpu] = await runOn('cpu', grad);
    const [wasm] = await runOn('wasm', grad);
    expect(Array.from(wasm!)).toEqual(Array.from(cpu!));
    expect(Array.from(wasm!)).toEqual([1, 1, 1, 0, 0, 0, 2, 2, 2, 0, 0, 0]);
  });
});
