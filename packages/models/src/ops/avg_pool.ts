/**
 * `avgPool2d`: torch `nn.AvgPool2d` with per-side zero padding, `ceil_mode` and `count_include_pad`: a window's
 * sum divided by how many of its cells are in the input (plus the padding when `count_include_pad`).
 */
import { tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import type { Pool2dOp } from '@pixpnet/symbolic';
import type { Executor } from './types.js';
import { poolGeometry } from './pool_util.js';

export const avgPoolOp: Executor<Pool2dOp> = (op, [x]) => {
  const [, h, w] = (x as Tensor4D).shape;
  const { out, pads: [ph, pw] } = poolGeometry(op, h, w);
  const crop = (t: Tensor4D) => (t.shape[1] === out[0] && t.shape[2] === out[1] ? t : tf.slice(t, [0, 0, 0, 0], [-1, out[0], out[1], -1]));
  if (!ph.some(Boolean) && !pw.some(Boolean)) return crop(tf.avgPool(x as Tensor4D, op.kernel, op.stride, 'valid'));
  const pads: Array<[number, number]> = [[0, 0], [ph[0], ph[1] + ph[2]], [pw[0], pw[1] + pw[2]], [0, 0]];
  const sums = tf.avgPool(tf.pad(x as Tensor4D, pads), op.kernel, op.stride, 'valid');
  // the divisor of every window, from a mask of the cells torch counts
  const inPad = op.countIncludePad !== false ? 1 : 0;
  const mask = tf.pad(tf.pad(tf.ones([1, h, w, 1]), [[0, 0], [ph[0], ph[1]], [pw[0], pw[1]], [0, 0]], inPad), [[0, 0], [0, ph[2]], [0, pw[2]], [0, 0]]);
  const counts = tf.avgPool(mask as Tensor4D, op.kernel, op.stride, 'valid');
  return crop(tf.div(sums, counts) as Tensor4D);
};
