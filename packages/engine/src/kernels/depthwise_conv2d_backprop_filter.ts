/**
 * `DepthwiseConv2dNativeBackpropFilter` (missing on wasm): one strided slice, product and reduction per
 * filter tap, `dW[i,j,c,m] = Σ_{b,y,x} xpad[b, i·d + y·s, j·d + x·s, c] · dy[b, y, x, c·M + m]`.
 * Depthwise filters are small (3×3, 5×5), so kh·kw passes over memory beat a reshuffled convolution.
 */
import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { asTensor, paddedInput } from './util.js';

interface Attrs {
  strides: [number, number] | number;
  dilations?: [number, number] | number;
  pad: 'valid' | 'same' | number | number[][];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** The kernel name this file implements. */
export const kernelName = 'DepthwiseConv2dNativeBackpropFilter';

/** Computes the filter gradient of a depthwise conv (any channel multiplier, stride, padding, dilation). */
export const kernelFunc: KernelFunc = ({ inputs, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as Attrs & NamedAttrMap;
  const ci = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations ?? 1, pad as never, dimRoundingMode, true, 'channelsLast');
  const [kh, kw, C, M] = filterShape;
  return tf.tidy(() => {
    const xp = paddedInput(x, ci.padInfo);
    const [B] = xp.shape;
    const Ho = ci.outHeight, Wo = ci.outWidth, sh = ci.strideHeight, sw = ci.strideWidth;
    const dh = ci.dilationHeight, dw = ci.dilationWidth;
    const dyt: Tensor = M === 1 ? asTensor(dy) : tf.reshape(asTensor(dy), [B, Ho, Wo, C, M]);
    const taps: Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        let xs: Tensor = tf.stridedSlice(xp, [0, i * dh, j * dw, 0],
          [B, i * dh + (Ho - 1) * sh + 1, j * dw + (Wo - 1) * sw + 1, C], [1, sh, sw, 1]);
        if (M > 1) xs = tf.expandDims(xs, 4);
        taps.push(tf.sum(tf.mul(xs, dyt), [0, 1, 2])); // [C] or [C, M]
      }
    }
    return tf.reshape(tf.stack(taps), filterShape);
  }) as unknown as TensorInfo;
};
