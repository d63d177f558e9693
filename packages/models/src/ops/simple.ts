/** The small ops: softmax, add, multiply, concat, flatten (torch's NCHW order), linear, channel scale, identity. */
import { tf } from '@pixpnet/engine';
import type { Tensor, Tensor2D } from '@pixpnet/engine';
import type { AddOp, ConcatOp, FlattenOp, IdentityOp, LinearOp, MultiplyOp, ScaleOp, SoftmaxOp } from '@pixpnet/symbolic';
import type { Executor } from './types.js';

/** torch.flatten(x, 1) of an NCHW tensor, from NHWC. */
export function flattenNCHW(x: Tensor): Tensor2D {
  if (x.rank !== 4) return x as Tensor2D;
  const [b, h, w, c] = x.shape as [number, number, number, number];
  return tf.reshape(h === 1 && w === 1 ? x : tf.transpose(x, [0, 3, 1, 2]), [b, c * h * w]);
}

export const softmaxOp: Executor<SoftmaxOp> = (_op, [x]) => tf.softmax(x!, -1);
export const addOp: Executor<AddOp> = (_op, xs) => xs.reduce((a, b) => tf.add(a, b));
export const multiplyOp: Executor<MultiplyOp> = (_op, xs) => xs.reduce((a, b) => tf.mul(a, b));
export const concatOp: Executor<ConcatOp> = (_op, xs) => tf.concat(xs, -1);
export const flattenOp: Executor<FlattenOp> = (_op, [x]) => flattenNCHW(x!);
export const linearOp: Executor<LinearOp> = (op, [x], ctx) => {
  const y = tf.matMul(flattenNCHW(x!), ctx.param('weight') as Tensor2D);
  return op.bias ? tf.add(y, ctx.param('bias')) : y;
};
export const channelScaleOp: Executor<ScaleOp> = (_op, [x], ctx) => tf.mul(x!, ctx.param(''));
export const identityOp: Executor<IdentityOp> = (op, [x], ctx) =>
  ctx.training && op.role === 'dropout' && op.p ? tf.dropout(x!, op.p, undefined, ctx.randomSeed) : x!;
