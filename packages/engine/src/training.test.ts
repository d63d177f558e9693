import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from './tf.js';
import type { Tensor, Tensor1D, Tensor4D, Variable } from './tf.js';
import { initBackend } from './init.js';
import { conv2d } from './ops/conv2d.js';
import { batchNormTraining } from './ops/batch_norm.js';
import { rng } from './testing.js';

beforeAll(async () => {
  const info = await initBackend({ backend: 'wasm' });
  expect(info.backend).toBe('wasm');
});

/** Images of horizontal (class 0) or vertical (class 1) stripes at random phases, with noise. */
function stripes(n: number, size: number, seed: number): { x: Float32Array; y: Int32Array } {
  const r = rng(seed);
  const x = new Float32Array(n * size * size * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const phase = Math.floor(r() * 4);
    for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) for (let c = 0; c < 3; c++) {
      const line = (y[i] === 0 ? a : b) + phase;
      x[((i * size + a) * size + b) * 3 + c] = (line % 4 < 2 ? 1 : -1) + (r() - 0.5) * 0.4;
    }
  }
  return { x, y };
}

describe('a small conv net trains on wasm', () => {
  it('loss falls and no tensor leaks across training steps', () => {
    const r = rng(7);
    const init = (shape: number[], fanIn: number) =>
      tf.variable(tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => (r() * 2 - 1) * Math.sqrt(3 / fanIn)), shape));
    const w1 = init([3, 3, 3, 8], 27), g1 = tf.variable(tf.ones([8])), b1 = tf.variable(tf.zeros([8]));
    const wd = init([3, 3, 1, 8], 9); // depthwise
    const wg = init([3, 3, 4, 8], 36); // 2 groups, dilated
    const emb = init([2, 8], 8); // class embeddings: gather's gradient is UnsortedSegmentSum
    const vars = [w1, g1, b1, wd, wg, emb] as Variable[];
    const { x: xv, y: yv } = stripes(16, 16, 3);
    const x = tf.tensor4d(xv, [16, 16, 16, 3]);
    const labels = tf.tensor1d(yv, 'int32');
    const forward = (): Tensor => {
      let h = conv2d(x, w1 as Tensor as Tensor4D, { strides: 2, padding: [[0, 1], [0, 1]] });
      h = tf.relu(batchNormTraining(h, g1 as Tensor as Tensor1D, b1 as Tensor as Tensor1D).y);
      h = tf.relu(conv2d(h, wd as Tensor as Tensor4D, { groups: 8, padding: 'same' }));
      h = conv2d(h, wg as Tensor as Tensor4D, { groups: 2, dilations: 2, padding: [[2, 2], [2, 2]] });
      h = tf.maxPool(h, 2, 2, 'valid');
      const feat = tf.mean(h, [1, 2]); // [B, 8]
      const logits = tf.matMul(feat, tf.gather(emb, tf.tensor1d([0, 1], 'int32')), false, true);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 2), logits);
    };
    const opt = tf.train.adam(0.03);
    const step = () => {
      const loss = opt.minimize(forward, true, vars)!;
      const v = loss.dataSync()[0]!;
      loss.dispose();
      return v;
    };
    const losses = [step()]; // the first step creates Adam's slots
    const before = tf.memory().numTensors;
    for (let i = 0; i < 29; i++) losses.push(step());
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.5);
    opt.dispose();
    tf.dispose([x, labels, ...vars]);
  });
});
