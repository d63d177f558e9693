/** `layerNorm2d`: normalisation over channels at each position (ConvNeXt's `LayerNorm2d`). */
import { tf } from '@pixpnet/engine';
import type { LayerNorm2dOp } from '@pixpnet/symbolic';
import type { Executor } from './types.js';

export const layerNormOp: Executor<LayerNorm2dOp> = (op, [x], ctx) => {
  const { mean, variance } = tf.moments(x!, -1, true);
  const xhat = tf.mul(tf.sub(x!, mean), tf.rsqrt(tf.add(variance, op.eps)));
  return tf.add(tf.mul(xhat, ctx.param('weight')), ctx.param('bias'));
};
