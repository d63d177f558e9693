// Each rule on its own: the relevance it passes on sums to the relevance it receives where the rule conserves it
// (everywhere for these continuous random inputs: no z is exactly 0), up to the ε-rules' stabiliser.
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2d, initBackend, tf } from '@pixpnet/engine';
import type { Tensor, Tensor4D } from '@pixpnet/engine';
import type { Conv2dOp, Pool2dOp } from '@pixpnet/symbolic';
import { convRule } from './conv.js';
import { epsilonRule, sumRule } from './epsilon.js';
import { winnerRule } from './winner.js';
import { concatRule } from './concat.js';
import type { RuleOptions } from './types.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const options: RuleOptions = { epsilon: 1e-6, inputBounds: [-2.1179, 2.64], legacyInputRule: false, first: false };
const total = (t: Tensor) => tf.sum(t).dataSync()[0]!;
const op: Conv2dOp = { type: 'conv2d', outChannels: 5, kernel: [3, 3], stride: [2, 2], padding: [[1, 1], [1, 1]], dilation: [1, 1], groups: 1, bias: true };

describe('relevance rules', () => {
  it('conv (β=0-like) and the z^B input rule conserve relevance; the z^B map uses the bounds', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1) as Tensor4D;
      const w = tf.randomNormal([3, 3, 3, 5], 0, 1, 'float32', 2);
      const fwd = ([a]: Tensor[]) => conv2d(a as Tensor4D, w as Tensor4D, { strides: op.stride, padding: op.padding, dilations: op.dilation, groups: 1 });
      const r = tf.randomUniform([2, 5, 5, 5], 0, 1, 'float32', 3);
      for (const first of [false, true]) {
        const [rIn] = convRule({ op, inputs: [x], relevance: r, forward: fwd, weight: w, options: { ...options, first }, id: 'c' });
        expect(rIn!.shape).toEqual(x.shape);
        expect(total(rIn!) / total(r)).toBeCloseTo(1, 4);
      }
      // with ReLU inputs (x ≥ 0) the β=0-like rule gives non-negative relevance for non-negative R
      const [pos] = convRule({ op, inputs: [tf.relu(x)], relevance: r, forward: fwd, weight: w, options, id: 'c' });
      expect(tf.min(pos!).dataSync()[0]).toBeGreaterThanOrEqual(0);
    });
  });

  it('max pool routes to the winners; average pool and the residual sum (ε-rules) and concatenation conserve', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 4);
      const pool: Pool2dOp = { type: 'maxPool2d', kernel: [2, 2], stride: [2, 2], padding: [[0, 0], [0, 0]], ceilMode: false };
      const r = tf.randomUniform([1, 3, 3, 2], 0, 1, 'float32', 5);
      const [m] = winnerRule({ op: pool, inputs: [x], relevance: r, forward: ([a]) => tf.maxPool(a as Tensor4D, 2, 2, 'valid'), options, id: 'p' });
      expect(total(m!)).toBeCloseTo(total(r), 5);
      expect(Array.from(m!.dataSync()).filter((v) => v !== 0)).toHaveLength(18);
      const xs = tf.add(tf.abs(x), 0.1); // an average of mixed signs can come near 0, where ε matters
      const [a] = epsilonRule({ op: pool, inputs: [xs], relevance: r, forward: ([v]) => tf.avgPool(v as Tensor4D, 2, 2, 'valid'), options, id: 'a' });
      expect(total(a!)).toBeCloseTo(total(r), 4);
      const b = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 6), r2 = tf.randomUniform([1, 6, 6, 2], 0, 1, 'float32', 7);
      const [ra, rb] = sumRule({ op: { type: 'add' }, inputs: [x, b], relevance: r2, forward: (i) => tf.addN(i), options, id: 's' });
      expect((total(ra!) + total(rb!)) / total(r2)).toBeCloseTo(1, 3);
      const [c1, c2] = concatRule({ op: { type: 'concat' }, inputs: [x, b], relevance: tf.concat([r2, r2], 3), forward: (i) => tf.concat(i, 3), options, id: 'k' });
      expect(c1!.shape).toEqual(x.shape);
      expect(total(c1!) + total(c2!)).toBeCloseTo(2 * total(r2), 4);
    });
  });
});
