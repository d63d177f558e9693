/** `adaptiveAvgPool2d`: torch's windows `[floor(o·L/n), ceil((o+1)·L/n))` per axis. */
import { tf } from '@pixpnet/engine';
import type { Tensor, Tensor4D } from '@pixpnet/engine';
import type { AdaptiveAvgPool2dOp } from '@pixpnet/symbolic';
import type { Executor } from './types.js';

function axis(x: Tensor, ax: 1 | 2, n: number): Tensor {
  const len = x.shape[ax]!;
  if (n === len) return x;
  if (n === 1) return tf.mean(x, ax, true);
  if (len % n === 0) {
    const k = len / n;
    const shape = [...x.shape];
    shape.splice(ax, 1, n, k);
    return tf.mean(tf.reshape(x, shape), ax + 1);
  }
  const parts: Tensor[] = [];
  for (let o = 0; o < n; o++) {
    const a = Math.floor((o * len) / n), b = Math.ceil(((o + 1) * len) / n);
    const begin = [0, 0, 0, 0], size = [-1, -1, -1, -1];
    begin[ax] = a;
    size[ax] = b - a;
    parts.push(tf.mean(tf.slice(x, begin, size), ax, true));
  }
  return tf.concat(parts, ax);
}

export const adaptiveAvgPoolOp: Executor<AdaptiveAvgPool2dOp> = (op, [x]) => {
  const [, h, w] = (x as Tensor4D).shape;
  return axis(axis(x!, 1, op.output[0] ?? h), 2, op.output[1] ?? w);
};
