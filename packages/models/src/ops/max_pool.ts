/** `maxPool2d`: torch `nn.MaxPool2d` with per-side padding (−∞) and `ceil_mode`. */
import { tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import type { Pool2dOp } from '@pixpnet/symbolic';
import type { Executor } from './types.js';
import { poolGeometry } from './pool_util.js';

export const maxPoolOp: Executor<Pool2dOp> = (op, [x]) => {
  const [, h, w] = (x as Tensor4D).shape;
  const { out, pads: [ph, pw] } = poolGeometry(op, h, w);
  const padded = ph.some(Boolean) || pw.some(Boolean)
    ? tf.pad(x as Tensor4D, [[0, 0], [ph[0], ph[1] + ph[2]], [pw[0], pw[1] + pw[2]], [0, 0]], -Infinity)
    : (x as Tensor4D);
  const y = tf.maxPool(padded, op.kernel, op.stride, 'valid');
  return y.shape[1] === out[0] && y.shape[2] === out[1] ? y : tf.slice(y, [0, 0, 0, 0], [-1, out[0], out[1], -1]);
};
