/**
 * The gradient of `DepthwiseConv2dNative`, replacing tfjs's, which refuses dilation rates above 1.
 * The backprop kernels take the dilation directly (ours on wasm; on other backends the filter is spread).
 */
import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import type { GradConfig, NamedAttrMap } from '@tensorflow/tfjs-core';
import { dilationPair, gatherTaps, spreadFilter, spreadShape } from './dilated_filter.js';

/** Gradient config for the `DepthwiseConv2dNative` kernel with dilation support. */
export const depthwiseConv2dGradConfig: GradConfig = {
  kernelName: 'DepthwiseConv2dNative',
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, filter] = saved as [Tensor4D, Tensor4D];
    const { strides, pad, dilations, dimRoundingMode } = attrs;
    const d = dilationPair(dilations as number | [number, number] | undefined);
    const common = { strides, pad, dimRoundingMode, dilations: [1, 1] } as NamedAttrMap;
    return {
      x: () => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dy as Tensor4D, filter: spreadFilter(filter, d) },
        { ...common, inputShape: x.shape }) as Tensor4D,
      filter: () => gatherTaps(tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: dy as Tensor4D },
        { ...common, filterShape: spreadShape(filter.shape, d) }) as Tensor4D, d),
    };
  },
};
