/** `zeroPad2d`: zero padding per side. */
import { tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import type { ZeroPad2dOp } from '@pixpnet/symbolic';
import type { Executor } from './types.js';

export const zeroPadOp: Executor<ZeroPad2dOp> = (op, [x]) => tf.pad(x as Tensor4D, [[0, 0], op.padding[0], op.padding[1], [0, 0]]);
