/** Gradient overrides PixPNet registers globally (for every backend). */
import { tf } from '../tf.js';
import type { GradConfig } from '@tensorflow/tfjs-core';
import { conv2dGradConfig } from './conv2d_grad.js';
import { depthwiseConv2dGradConfig } from './depthwise_conv2d_grad.js';

/** Every gradient this package registers. */
export const GRADIENTS: readonly GradConfig[] = [conv2dGradConfig, depthwiseConv2dGradConfig];

/** Registers our gradients (replacing tfjs's for the same kernels); idempotent. */
export function registerGradients(): void {
  for (const g of GRADIENTS) {
    if (tf.getGradient(g.kernelName) !== g) tf.registerGradient(g);
  }
}
