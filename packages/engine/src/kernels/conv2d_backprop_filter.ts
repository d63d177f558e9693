/**
 * `Conv2DBackpropFilter` as one forward convolution, which XNNPACK runs fast on wasm
 * (the "transposed conv" trick of the engine notes):
 * `dW = transpose(conv2d(transpose(x,[3,1,2,0]), transpose(dy,[1,2,0,3]), 1, pad, dilation = stride), [1,2,0,3])`.
 * Extra memory: one transposed copy of `x` and of `dy`.
 */
import { tf } from '../tf.js';
import type { Tensor4D } from '../tf.js';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { asTensor, assertNHWC } from './util.js';

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | number[][];
  dataFormat?: string;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** The kernel name this file implements. */
export const kernelName = 'Conv2DBackpropFilter';

/** Computes the filter gradient of a stride/pad conv2d (dilation 1) with a forward conv. */
export const kernelFunc: KernelFunc = ({ inputs, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Attrs & NamedAttrMap;
  assertNHWC(kernelName, dataFormat);
  const ci = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad as never, dimRoundingMode, false, 'channelsLast');
  return tf.tidy(() => {
    const xt = asTensor<Tensor4D>(x);
    const dyt = asTensor<Tensor4D>(dy);
    const [kh, kw] = filterShape;
    const { top, bottom, left, right } = ci.padInfo;
    const xT = tf.transpose(xt, [3, 1, 2, 0]); // [Cin, H, W, B]: channels become the batch
    const f = tf.transpose(dyt, [1, 2, 0, 3]); // [Ho, Wo, B, Cout]: dy becomes the filter
    let r = tf.conv2d(xT, f, 1, [[0, 0], [top, bottom], [left, right], [0, 0]], 'NHWC', [ci.strideHeight, ci.strideWidth]);
    if (r.shape[1] !== kh || r.shape[2] !== kw) r = tf.slice(r, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(r, [1, 2, 0, 3]); // [kh, kw, Cin, Cout]
  }) as unknown as TensorInfo;
};
