import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init.js';
import { batchNormTraining } from './batch_norm.js';
import { relativeError, runOn, seededValues } from '../testing.js';
import { nativeKernels } from '../native/module.js';
import { rowRanges } from './batch_norm_native.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('batchNormTraining', () => {
  const shape: [number, number, number, number] = [4, 5, 6, 3];
  const xv = seededValues(4 * 5 * 6 * 3, 41);
  const dyv = seededValues(4 * 5 * 6 * 3, 42);
  const gv = [0.5, 1.5, -2], bv = [0.1, -0.2, 0.3];

  it('has the value and gradients of tfjs\'s own batch norm over batch statistics', async () => {
    const grads = (mine: boolean) => () => {
      const x = tf.tensor4d(xv, shape), g = tf.tensor1d(gv), b = tf.tensor1d(bv), dy = tf.tensor4d(dyv, shape);
      const f = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => {
        if (mine) return tf.sum(tf.mul(batchNormTraining(xi, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-5).y, dy));
        const m = tf.moments(xi, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(xi, m.mean, m.variance, bi, gi, 1e-5), dy));
      };
      const { value, grads: gs } = tf.valueAndGrads(f as never)([x, g, b]);
      return [value, ...gs];
    };
    for (const backend of ['wasm', 'cpu']) {
      const ours = await runOn(backend, grads(true));
      const stock = await runOn(backend, grads(false));
      for (let i = 0; i < 4; i++) expect(relativeError(ours[i]!, stock[i]!)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('runs on the native kernels on wasm (2 threads), matching the cpu backend with odd channels and an offset mean', async () => {
    await initBackend({ backend: 'wasm' });
    expect(nativeKernels()?.threads).toBe(2);
    const big: [number, number, number, number] = [3, 7, 9, 19]; // 189 rows (split across threads), 19 channels
    const n = big.reduce((a, b) => a * b);
    const xb = seededValues(n, 43).map((v, i) => v * 3 + 100 + (i % 19)); // mean >> std: a cancellation test
    const dyb = seededValues(n, 44);
    const gb = seededValues(19, 45), bb = seededValues(19, 46);
    const run = () => {
      const x = tf.tensor4d(xb, big), g = tf.tensor1d(gb), b = tf.tensor1d(bb), dy = tf.tensor4d(dyb, big);
      const f = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(batchNormTraining(xi, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-5).y, dy));
      const r = batchNormTraining(x, g, b, 1e-5);
      const { value, grads: gs } = tf.valueAndGrads(f as never)([x, g, b]);
      return [r.y, r.mean, r.variance, value, ...gs];
    };
    const before = tf.memory().numTensors;
    const wasm = await runOn('wasm', run);
    const cpu = await runOn('cpu', run);
    const names = ['y', 'mean', 'variance', 'value', 'dx', 'dgamma', 'dbeta'];
    // (value: one float32 sum of 3591 products of both signs on the cpu backend, hence its looser bound)
    names.forEach((name, i) => expect(relativeError(wasm[i]!, cpu[i]!), name).toBeLessThanOrEqual(name === 'value' ? 1e-4 : 2e-5));
    await initBackend({ backend: 'wasm' });
    tf.tidy(() => { run(); });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('splits rows across threads at multiples of 64 (statistics independent of the thread count)', () => {
    expect(rowRanges(189, 2)).toEqual([[0, 64], [64, 189]]);
    expect(rowRanges(300, 2)).toEqual([[0, 128], [128, 300]]);
    expect(rowRanges(50, 2)).toEqual([[0, 50]]);
    expect(rowRanges(300, 1)).toEqual([[0, 300]]);
  });

  it('returns the batch statistics and the count they were taken over', () => {
    tf.tidy(() => {
      const r = batchNormTraining(tf.tensor4d(xv, shape), tf.ones([3]), tf.zeros([3]));
      const m = tf.moments(tf.tensor4d(xv, shape), [0, 1, 2]);
      expect(relativeError(r.mean.dataSync(), m.mean.dataSync())).toBeLessThan(1e-6);
      expect(relativeError(r.variance.dataSync(), m.variance.dataSync())).toBeLessThan(1e-6);
      expect(r.count).toBe(4 * 5 * 6);
    });
  });
});
