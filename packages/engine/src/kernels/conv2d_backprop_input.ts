/**
 * `Conv2DBackpropInput` as one forward convolution on XNNPACK:
 * `dx = conv2d(pad(insertZeros(dy, stride)), transpose(reverse(W,[0,1]),[0,1,3,2]), 1, 'valid')`.
 * wasm has a native kernel, but inside a full training step it was measured 8x slower than this one. On wasm the
 * reversed, transposed filter is made by the native `filter_flip` (a 4-D transpose is slow there: 30 ms for a
 * 512→512 3×3 filter).
 */
import { tf } from '../tf.js';
import type { Tensor4D } from '../tf.js';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { asTensor, assertNHWC, insertZeros } from './util.js';
import { nativeKernels } from '../native/module.js';

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | number[][];
  dataFormat?: string;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** The kernel name this file implements. */
export const kernelName = 'Conv2DBackpropInput';

/**
 * The input gradient of a conv given `dy` and the filter, for explicit per-side padding
 * (shared with the depthwise kernel: `conv` runs the final stride-1 `valid` convolution).
 */
export function backpropInputViaConv(
  dy: Tensor4D,
  kernelSize: [number, number],
  inputHW: [number, number],
  strides: [number, number],
  padInfo: { top: number; left: number },
  conv: (d: Tensor4D) => Tensor4D,
): Tensor4D {
  const [kh, kw] = kernelSize;
  const [H, W] = inputHW;
  // zero-inserted dy keeps its stride-1 trailing zeros: the bottom/right padding is reduced to match
  let d = insertZeros(dy, 1, strides, false);
  const [B, Hd, Wd, Co] = d.shape;
  const pt = kh - 1 - padInfo.top;
  const pl = kw - 1 - padInfo.left;
  const pb = H + kh - 1 - Hd - pt;
  const pr = W + kw - 1 - Wd - pl;
  if (pt > 0 || pb > 0 || pl > 0 || pr > 0) {
    d = tf.pad(d, [[0, 0], [Math.max(pt, 0), Math.max(pb, 0)], [Math.max(pl, 0), Math.max(pr, 0)], [0, 0]]);
  }
  if (pt < 0 || pb < 0 || pl < 0 || pr < 0) {
    d = tf.slice(d, [0, Math.max(-pt, 0), Math.max(-pl, 0), 0], [B, Hd + pt + pb, Wd + pl + pr, Co]);
  }
  return conv(d);
}

/** `transpose(reverse(W, [0, 1]), [0, 1, 3, 2])`: natively on wasm, else with tf ops. Call inside `tf.tidy`. */
function flippedFilter(filter: TensorInfo): Tensor4D {
  const nk = nativeKernels();
  const [kh, kw, c, o] = filter.shape as [number, number, number, number];
  if (!nk || filter.dtype !== 'float32') return tf.transpose(tf.reverse(asTensor<Tensor4D>(filter), [0, 1]), [0, 1, 3, 2]) as Tensor4D;
  const out = nk.output([kh, kw, o, c]);
  nk.run('filter_flip', [[nk.offsetOf(filter), nk.offsetOf(out), kh, kw, c, o]]);
  return tf.engine().makeTensorFromTensorInfo(out) as Tensor4D;
}

/** Computes the input gradient of a stride/pad conv2d (dilation 1) with a forward conv. */
export const kernelFunc: KernelFunc = ({ inputs, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Attrs & NamedAttrMap;
  assertNHWC(kernelName, dataFormat);
  const fs = filter.shape as [number, number, number, number];
  const ci = tf.backend_util.computeConv2DInfo(inputShape, fs, strides, 1, pad as never, dimRoundingMode, false, 'channelsLast');
  return tf.tidy(() => {
    const wf = flippedFilter(filter); // [kh, kw, Cout, Cin]
    return backpropInputViaConv(asTensor<Tensor4D>(dy), [fs[0], fs[1]], [inputShape[1], inputShape[2]],
      [ci.strideHeight, ci.strideWidth], ci.padInfo, (d) => tf.conv2d(d, wf, 1, 'valid'));
  }) as unknown as TensorInfo;
};
