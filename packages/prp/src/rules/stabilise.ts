/** Stabilisers of the rules' denominators. */
import { tf } from '@pixpnet/engine';
import type { Tensor } from '@pixpnet/engine';

/** `z + ε·sign(z)` with sign(0) = +1: the ε-rule's denominator. */
export function plusEpsilon(z: Tensor, eps: number): Tensor {
  return tf.add(z, tf.where(tf.greaterEqual(z, 0), tf.fill(z.shape, eps), tf.fill(z.shape, -eps)));
}

/** `z` with exact zeros replaced by 1e-12: the stabiliser applied only where z = 0. */
export function nonZero(z: Tensor): Tensor {
  return tf.where(tf.equal(z, 0), tf.fill(z.shape, 1e-12), z);
}
