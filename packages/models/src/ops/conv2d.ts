/** `conv2d`: torch `nn.Conv2d` (per-side zero padding, stride, dilation, groups, bias). */
import { conv2d, tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import type { Conv2dOp } from '@pixpnet/symbolic';
import type { Executor } from './types.js';

export const conv2dOp: Executor<Conv2dOp> = (op, [x], ctx) => {
  const y = conv2d(x as Tensor4D, ctx.param('weight') as Tensor4D, { strides: op.stride, padding: op.padding, dilations: op.dilation, groups: op.groups });
  return op.bias ? tf.add(y, ctx.param('bias')) : y;
};
