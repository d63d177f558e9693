import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init.js';
import { batchNormTraining } from './batch_norm.js';
import { relativeError, runOn, seededValues } from '../testing.js';

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
