/**
 * Convolutions (spec §6.7). The β=0-like rule: `z = W⁺·x⁺ + W⁻·x⁻` with the bias ignored, `S = R / z` (stabiliser
 * 1e-12 only where z = 0), `R_in = x⁺ ⊙ ∂⟨W⁺·x⁺, S⟩/∂x⁺ + x⁻ ⊙ ∂⟨W⁻·x⁻, S⟩/∂x⁻`. The input convolution takes the
 * z^B rule with pixel bounds `[l, h]`: `z = W·x − W⁺·l − W⁻·h`, `S = R / (z ± 1e-6)`,
 * `R_in = x ⊙ Wᵀ S − l ⊙ W⁺ᵀ S − h ⊙ W⁻ᵀ S` (padding contributes zeros to all three).
 */
import { conv2d, tf } from '@pixpnet/engine';
import type { Tensor, Tensor4D } from '@pixpnet/engine';
import type { Conv2dOp } from '@pixpnet/symbolic';
import { nonZero, plusEpsilon } from './stabilise.js';
import type { Rule } from './types.js';

const convWith = (op: Conv2dOp, w: Tensor) => (x: Tensor) =>
  conv2d(x as Tensor4D, w as Tensor4D, { strides: op.stride, padding: op.padding, dilations: op.dilation, groups: op.groups });

export const convRule: Rule<Conv2dOp> = ({ op, inputs: [x], relevance, weight, options }) => {
  const w = weight!;
  const wp = tf.relu(w), wn = tf.minimum(w, 0);
  if (options.first && !options.legacyInputRule) {
    const [lo, hi] = options.inputBounds;
    const l = tf.fill(x!.shape, lo), h = tf.fill(x!.shape, hi);
    const z = tf.sub(tf.sub(convWith(op, w)(x!), convWith(op, wp)(l)), convWith(op, wn)(h));
    const s = tf.div(relevance, plusEpsilon(z, 1e-6));
    const [gx, gl, gh] = tf.grads((a: Tensor, b: Tensor, c: Tensor) =>
      tf.sum(tf.mul(tf.sub(tf.sub(convWith(op, w)(a), convWith(op, wp)(b)), convWith(op, wn)(c)), s)))([x!, l, h]);
    return [tf.add(tf.add(tf.mul(x!, gx!), tf.mul(l, gl!)), tf.mul(h, gh!))];
  }
  const xp = tf.relu(x!), xn = tf.minimum(x!, 0);
  const z = tf.add(convWith(op, wp)(xp), convWith(op, wn)(xn));
  const s = tf.div(relevance, nonZero(z));
  const [gp, gn] = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(tf.add(convWith(op, wp)(a), convWith(op, wn)(b)), s)))([xp, xn]);
  return [tf.add(tf.mul(xp, gp!), tf.mul(xn, gn!))];
};
