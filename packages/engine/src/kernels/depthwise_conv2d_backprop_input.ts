/**
 * `DepthwiseConv2dNativeBackpropInput` (missing on wasm) as one forward depthwise convolution of the
 * zero-inserted, padded `dy` with the spatially reversed filter; channel multipliers are summed after.
 */
import { tf } from '../tf.js';
import type { Tensor4D } from '../tf.js';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { asTensor, insertZeros } from './util.js';
import { backpropInputViaConv } from './conv2d_backprop_input.js';

interface Attrs {
  strides: [number, number] | number;
  dilations?: [number, number] | number;
  pad: 'valid' | 'same' | number | number[][];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** The kernel name this file implements. */
export const kernelName = 'DepthwiseConv2dNativeBackpropInput';

/** Computes the input gradient of a depthwise conv (any channel multiplier, stride, padding, dilation). */
export const kernelFunc: KernelFunc = ({ inputs, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as Attrs & NamedAttrMap;
  const fs = filter.shape as [number, number, number, number];
  const ci = tf.backend_util.computeConv2DInfo(inputShape, fs, strides, dilations ?? 1, pad as never, dimRoundingMode, true, 'channelsLast');
  const [, , C, M] = fs;
  return tf.tidy(() => {
    const w = insertZeros(asTensor<Tensor4D>(filter), 0, [ci.dilationHeight, ci.dilationWidth]);
    const [kh, kw] = w.shape;
    // [kh, kw, C*M, 1]: each dy channel c*M+m is convolved with its own reversed filter tap set
    const wf = tf.reshape(tf.reverse(w, [0, 1]), [kh, kw, C * M, 1]) as Tensor4D;
    const dx = backpropInputViaConv(asTensor<Tensor4D>(dy), [kh, kw], [inputShape[1], inputShape[2]],
      [ci.strideHeight, ci.strideWidth], ci.padInfo, (d) => tf.depthwiseConv2d(d, wf, 1, 'valid'));
    if (M === 1) return dx;
    const [B, H, W] = dx.shape;
    return tf.sum(tf.reshape(dx, [B, H, W, C, M]), 4);
  }) as unknown as TensorInfo;
};
