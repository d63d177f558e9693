/**
 * Convolutions (spec §6.7). The β=0-like rule: `z = W⁺·x⁺ + W⁻·x⁻` with the bias ignored, `S = R / z` (stabiliser
 * 1e-12 only where z = 0), `R_in = x⁺ ⊙ W⁺ᵀS + x⁻ ⊙ W⁻ᵀS` (the transposed convolution: `∂⟨W·x, S⟩/∂x`); for a
 * non-negative input (after a ReLU) the `x⁻` half is zero and skipped. The input convolution takes the z^B rule
 * with pixel bounds `[l, h]`: `z = W·x − W⁺·l − W⁻·h`, `S = R / (z ± 1e-6)`, `R_in = x ⊙ WᵀS − l ⊙ W⁺ᵀS − h ⊙ W⁻ᵀS`
 * (padding contributes zeros to all three).
 */
import { conv2d, tf } from '@pixpnet/engine';
import type { Tensor, Tensor4D } from '@pixpnet/engine';
import type { Conv2dOp } from '@pixpnet/symbolic';
import { nonZero, plusEpsilon } from './stabilise.js';
import type { Rule } from './types.js';

const conv = (op: Conv2dOp, x: Tensor, w: Tensor) =>
  conv2d(x as Tensor4D, w as Tensor4D, { strides: op.stride, padding: op.padding, dilations: op.dilation, groups: op.groups });

/** `Wᵀ S` for an input of `shape`: one transposed convolution, or the gradient of the convolution where tfjs has none. */
function transpose(op: Conv2dOp, s: Tensor, w: Tensor, shape: number[]): Tensor {
  if (op.groups === 1 && op.dilation[0] === 1 && op.dilation[1] === 1) {
    const [[t, b], [l, r]] = op.padding;
    return tf.conv2dTranspose(s as Tensor4D, w as Tensor4D, shape as [number, number, number, number], op.stride, [[0, 0], [t, b], [l, r], [0, 0]]);
  }
  return tf.grad((a: Tensor) => tf.sum(tf.mul(conv(op, a, w), s)))(tf.zeros(shape));
}

export const convRule: Rule<Conv2dOp> = ({ op, inputs: [x], relevance, weight, options, nonNegative }) => {
  const w = weight!;
  const wp = tf.relu(w), wn = tf.minimum(w, 0);
  if (options.first && !options.legacyInputRule) {
    const [lo, hi] = options.inputBounds;
    const l = tf.fill(x!.shape, lo), h = tf.fill(x!.shape, hi);
    const z = tf.sub(tf.sub(conv(op, x!, w), conv(op, l, wp)), conv(op, h, wn));
    const s = plusEpsilon(z, 1e-6);
    const sr = tf.div(relevance, s);
    return [tf.sub(tf.sub(tf.mul(x!, transpose(op, sr, w, x!.shape)), tf.mul(l, transpose(op, sr, wp, x!.shape))), tf.mul(h, transpose(op, sr, wn, x!.shape)))];
  }
  if (nonNegative?.[0]) {
    const s = tf.div(relevance, nonZero(conv(op, x!, wp)));
    return [tf.mul(x!, transpose(op, s, wp, x!.shape))];
  }
  const xp = tf.relu(x!), xn = tf.minimum(x!, 0);
  const s = tf.div(relevance, nonZero(tf.add(conv(op, xp, wp), conv(op, xn, wn))));
  return [tf.add(tf.mul(xp, transpose(op, s, wp, x!.shape)), tf.mul(xn, transpose(op, s, wn, x!.shape)))];
};
