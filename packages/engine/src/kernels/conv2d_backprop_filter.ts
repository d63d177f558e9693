/**
 * `Conv2DBackpropFilter` as forward convolutions, which XNNPACK runs fast and threaded on wasm.
 *
 * - Most layers: the "transposed conv" trick of the engine notes,
 *   `dW = transpose(conv2d(transpose(x,[3,1,2,0]), transpose(dy,[1,2,0,3]), 1, pad, dilation = stride), [1,2,0,3])`.
 *   Extra memory: one transposed copy of `x` and of `dy`.
 * - Few input channels (an RGB stem): one 1×1 convolution per filter tap, `dW[i,j] = x_ij^T · dy` with the
 *   shifted input `x_ij` as a batch of `Cin` rows; the trick above wastes most of its tiles there (3.3× slower).
 *   (`tf.matMul` would be single-threaded on wasm.)
 */
import { tf } from '../tf.js';
import type { Tensor4D } from '../tf.js';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { asTensor, assertNHWC, nhwcToChwn, paddedInput } from './util.js';

/** The attributes of `Conv2DBackpropFilter`. */
export interface FilterGradAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | number[][];
  dataFormat?: string;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** At most this many input channels, the per-tap strategy is used. */
const FEW_CHANNELS = 8;

function perTap(x: TensorInfo, dy: TensorInfo, ci: tf.backend_util.Conv2DInfo, filterShape: number[]): Tensor4D {
  const [kh, kw, C, O] = filterShape as [number, number, number, number];
  return tf.tidy(() => {
    const xp = paddedInput(x, ci.padInfo);
    const [B] = xp.shape;
    const Ho = ci.outHeight, Wo = ci.outWidth, sh = ci.strideHeight, sw = ci.strideWidth;
    const n = B * Ho * Wo;
    const xT = tf.transpose(xp, [3, 0, 1, 2]); // [C, B, Hp, Wp]: small, C is few
    const f = tf.reshape(asTensor(dy), [1, 1, n, O]);
    // with a stride, the input's sh × sw phases are taken once (a strided slice each: slow on wasm); every tap is
    // then a plain slice of its phase
    const phases = new Map<string, Tensor4D>();
    const phase = (a: number, b: number): Tensor4D => {
      const key = `${a},${b}`;
      if (!phases.has(key)) {
        const [, , Hp, Wp] = xT.shape;
        phases.set(key, sh === 1 && sw === 1 ? xT : tf.stridedSlice(xT, [0, 0, a, b], [C, B, Hp, Wp], [1, 1, sh, sw]) as Tensor4D);
      }
      return phases.get(key)!;
    };
    const taps: Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const xs = tf.slice(phase(i % sh, j % sw), [0, 0, Math.floor(i / sh), Math.floor(j / sw)], [C, B, Ho, Wo]);
        taps.push(tf.conv2d(tf.reshape(xs, [C, 1, 1, n]), f as Tensor4D, 1, 'valid')); // [C, 1, 1, O]
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, C, O]);
  });
}

/** The kernel name this file implements. */
export const kernelName = 'Conv2DBackpropFilter';

/** Computes the filter gradient of a stride/pad conv2d (dilation 1) with a forward conv. */
export const kernelFunc: KernelFunc = ({ inputs, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as FilterGradAttrs & NamedAttrMap;
  assertNHWC(kernelName, dataFormat);
  const ci = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad as never, dimRoundingMode, false, 'channelsLast');
  if (filterShape[2] <= FEW_CHANNELS) return perTap(x, dy, ci, filterShape) as unknown as TensorInfo;
  return tf.tidy(() => {
    const xt = asTensor<Tensor4D>(x);
    const dyt = asTensor<Tensor4D>(dy);
    const [kh, kw] = filterShape;
    const { top, bottom, left, right } = ci.padInfo;
    const xT = nhwcToChwn(xt); // [Cin, H, W, B]: channels become the batch
    const f = tf.transpose(dyt, [1, 2, 0, 3]); // [Ho, Wo, B, Cout]: dy becomes the filter
    let r = tf.conv2d(xT, f, 1, [[0, 0], [top, bottom], [left, right], [0, 0]], 'NHWC', [ci.strideHeight, ci.strideWidth]);
    if (r.shape[1] !== kh || r.shape[2] !== kw) r = tf.slice(r, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(r, [1, 2, 0, 3]); // [kh, kw, Cin, Cout]
  }) as unknown as TensorInfo;
};
