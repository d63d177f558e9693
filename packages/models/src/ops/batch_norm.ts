/**
 * `batchNorm2d`: torch `nn.BatchNorm2d`. Training: batch statistics (closed-form gradient from the engine) and
 * running statistics updated with `momentum` and the unbiased variance, as torch does; inference: running statistics.
 */
import { batchNormTraining, tf } from '@pixpnet/engine';
import type { Tensor1D } from '@pixpnet/engine';
import type { BatchNorm2dOp } from '@pixpnet/symbolic';
import type { Executor } from './types.js';

export const batchNormOp: Executor<BatchNorm2dOp> = (op, [x], ctx) => {
  const gamma = ctx.param('weight') as Tensor1D, beta = ctx.param('bias') as Tensor1D;
  if (!ctx.training) {
    return tf.batchNorm(x!, ctx.param('running_mean') as Tensor1D, ctx.param('running_var') as Tensor1D, beta, gamma, op.eps);
  }
  const r = batchNormTraining(x!, gamma, beta, op.eps);
  const m = op.momentum;
  const unbiased = r.count > 1 ? tf.mul(r.variance, r.count / (r.count - 1)) : r.variance;
  ctx.setBuffer('running_mean', tf.add(tf.mul(ctx.param('running_mean'), 1 - m), tf.mul(r.mean, m)));
  ctx.setBuffer('running_var', tf.add(tf.mul(ctx.param('running_var'), 1 - m), tf.mul(unbiased, m)));
  return r.y;
};
