/** Pointwise activations with torch's definitions (GELU is the exact erf form). */
import { tf } from '@pixpnet/engine';
import type { Tensor } from '@pixpnet/engine';
import type { ActivationFn, ActivationOp } from '@pixpnet/symbolic';
import type { Executor } from './types.js';

const FNS: Record<ActivationFn, (x: Tensor) => Tensor> = {
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))),
  hardsigmoid: (x) => tf.div(tf.relu6(tf.add(x, 3)), 6),
  hardswish: (x) => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)),
};

export const activationOp: Executor<ActivationOp> = (op, [x]) => FNS[op.fn](x!);
