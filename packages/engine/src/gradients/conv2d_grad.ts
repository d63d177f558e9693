/**
 * The gradient of `Conv2D`, replacing tfjs's, which refuses dilation rates above 1
 * ("dilation rates greater than 1 are not yet supported in gradients"). A dilated filter is handled as
 * the equivalent zero-spread filter; for dilation 1 this is exactly tfjs's own gradient.
 */
import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { dilationPair, gatherTaps, spreadFilter, spreadShape } from './dilated_filter.js';

/** Gradient config for the `Conv2D` kernel with dilation support. */
export const conv2dGradConfig: GradConfig = {
  kernelName: 'Conv2D',
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, filter] = saved as [Tensor4D, Tensor4D];
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs;
    const d = dilationPair(dilations as number | [number, number]);
    const common = { strides, pad, dataFormat, dimRoundingMode } as NamedAttrMap;
    return {
      x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dy as Tensor4D, filter: spreadFilter(filter, d) },
        { ...common, inputShape: x.shape }) as Tensor4D,
      filter: () => gatherTaps(tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy as Tensor4D },
        { ...common, filterShape: spreadShape(filter.shape, d) }) as Tensor4D, d),
    };
  },
};
