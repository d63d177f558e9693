/**
 * `MaxPoolGrad` on wasm. The native kernel is wrong: a window whose values are all negative sends its
 * gradient to the wrong pixel or loses it (it behaves as if the maximum started at 0), which also breaks
 * padded pools. This one is exact: the gradient goes to the **first** maximum of each window in row-major order,
 * as in TensorFlow. On wasm it is the native kernel (`native/pixkern.c` `max_pool_grad`, images split across the
 * threads); without it, on a backend whose tensors live in one heap, the same loops in JavaScript over the heap
 * (no copies; 10× faster than tf ops for the demo network). Elsewhere each window position `(a, b)` is read
 * with a one-hot depthwise convolution, and an interleaving concat (windows that tile the input) or one depthwise
 * transposed convolution (overlapping or padded windows) puts the gradient back in place.
 */
import { tf } from '../tf.js';
import type { Tensor, Tensor4D } from '../tf.js';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { asTensor } from './util.js';
import { nativeKernels } from '../native/module.js';

/** The kernel name this file implements. */
export const kernelName = 'MaxPoolGrad';

/** A `[kh, kw, C, 1]` filter that picks window position `(a, b)` of every channel. */
function pick(kh: number, kw: number, c: number, a: number, b: number): Tensor4D {
  const v = new Float32Array(kh * kw * c);
  v.fill(1, (a * kw + b) * c, (a * kw + b + 1) * c);
  return tf.tensor4d(v, [kh, kw, c, 1]);
}

/** What the wasm backend offers: tensors as views of its heap, and outputs allocated there. */
interface HeapBackend {
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

type PoolAttrs = {
  filterSize: number | [number, number]; strides: number | [number, number]; pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/** Routes `dy` to the first maximum of each pooling window. */
export const kernelFunc: KernelFunc = (args) => {
  const backend = args.backend as unknown as Partial<HeapBackend>;
  const { input } = args.inputs as { input: TensorInfo };
  const nk = nativeKernels();
  if (nk && input.dtype === 'float32') return native(nk, args.inputs as { dy: TensorInfo; input: TensorInfo }, args.attrs as unknown as PoolAttrs);
  if (typeof backend.typedArrayFromHeap === 'function' && typeof backend.makeOutput === 'function' && input.dtype === 'float32') {
    return direct(args.inputs as { dy: TensorInfo; input: TensorInfo }, args.attrs as unknown as PoolAttrs, backend as HeapBackend);
  }
  return viaOps(args);
};

/** The native kernel, images split across the threads. */
function native(nk: NonNullable<ReturnType<typeof nativeKernels>>, { dy, input }: { dy: TensorInfo; input: TensorInfo }, attrs: PoolAttrs): TensorInfo {
  const shape = input.shape as [number, number, number, number];
  const ci = tf.backend_util.computePool2DInfo(shape, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const [B, H, W, C] = shape;
  const out = nk.output([...shape]);
  const args = [nk.offsetOf(input), nk.offsetOf(dy), nk.offsetOf(out), H, W, C, ci.outHeight, ci.outWidth, ci.filterHeight,
    ci.filterWidth, ci.strideHeight, ci.strideWidth, ci.padInfo.top, ci.padInfo.left];
  const parts = Math.min(nk.threads, B);
  nk.run('max_pool_grad', Array.from({ length: parts }, (_, p) => [...args, Math.floor((B * p) / parts), Math.floor((B * (p + 1)) / parts)]));
  return out;
}

/** The loops: for each window, the first maximum (padding skipped) receives the window's gradient. */
function direct({ dy, input }: { dy: TensorInfo; input: TensorInfo }, attrs: PoolAttrs, backend: HeapBackend): TensorInfo {
  const shape = input.shape as [number, number, number, number];
  const ci = tf.backend_util.computePool2DInfo(shape, attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const [B, H, W, C] = shape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: Ho, outWidth: Wo } = ci;
  const { top, left } = ci.padInfo;
  const out = backend.makeOutput([...shape], 'float32');
  // views after the allocation: growing the heap detaches earlier views
  const x = backend.typedArrayFromHeap(input), g = backend.typedArrayFromHeap(dy), dx = backend.typedArrayFromHeap(out);
  dx.fill(0);
  const best = new Float32Array(C), at = new Int32Array(C);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        best.fill(-Infinity);
        at.fill(-1);
        for (let a = 0; a < kh; a++) {
          const r = i * sh + a - top;
          if (r < 0 || r >= H) continue;
          for (let d = 0; d < kw; d++) {
            const q = j * sw + d - left;
            if (q < 0 || q >= W) continue;
            const base = ((b * H + r) * W + q) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c]!;
              if (at[c] === -1 || v > best[c]!) { // strictly greater: the first maximum wins ties
                best[c] = v;
                at[c] = base + c;
              }
            }
          }
        }
        const gBase = ((b * Ho + i) * Wo + j) * C;
        for (let c = 0; c < C; c++) {
          const k = at[c]!;
          if (k >= 0) dx[k] = dx[k]! + g[gBase + c]!;
        }
      }
    }
  }
  return out;
}

/** The tf-ops version, for backends without a shared heap. */
const viaOps: KernelFunc = ({ inputs, attrs }) => {
  const { dy, input, output } = inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: number | [number, number]; strides: number | [number, number]; pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  } & NamedAttrMap;
  const shape = input.shape as [number, number, number, number];
  const ci = tf.backend_util.computePool2DInfo(shape, filterSize, strides, 1, pad, dimRoundingMode);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = ci;
  const c = shape[3];
  return tf.tidy(() => {
    // finite padding below every value: 0·(−∞) would be NaN in the one-hot convolutions
    const lowest = -3.4028234663852886e38;
    const x = tf.maximum(asTensor<Tensor4D>(input), lowest) as Tensor4D;
    const { top, bottom, left, right } = ci.padInfo;
    const xp = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]], lowest) : x;
    const y = asTensor(output);
    const g = asTensor(dy);
    let free: Tensor | undefined; // 1 where no earlier window position held the maximum
    const parts: Tensor[] = [];
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const xs = tf.depthwiseConv2d(xp, pick(kh, kw, c, a, b), [sh, sw], 'valid');
        const isMax = tf.cast(tf.equal(xs, y), 'float32');
        const first = free ? tf.mul(isMax, free) : isMax;
        free = free ? tf.sub(free, first) : tf.sub(1, isMax);
        parts.push(tf.expandDims(tf.mul(g, first), 4)); // [B, Ho, Wo, C, 1]
      }
    }
    // windows that tile the input exactly: interleave the positions' gradients into [B·Ho, kh, Wo, kw, C]
    // (tf.depthToSpace would do it in one op, but is 7x slower on wasm)
    if (sh === kh && sw === kw && xp === x && ci.outHeight * kh === shape[1] && ci.outWidth * kw === shape[2]) {
      const view = [shape[0] * ci.outHeight, 1, ci.outWidth, 1, c];
      const rows: Tensor[] = [];
      for (let a = 0; a < kh; a++) rows.push(tf.concat(parts.slice(a * kw, (a + 1) * kw).map((t) => tf.reshape(t, view)), 3));
      return tf.reshape(tf.concat(rows, 1), shape);
    }
    // otherwise one transposed depthwise convolution with a multiplier per window position scatters them back
    const k2 = kh * kw;
    const gAll = tf.reshape(tf.concat(parts, 4), [shape[0], ci.outHeight, ci.outWidth, c * k2]);
    const filter = tf.tensor4d(oneHotTaps(kh, kw, c), [kh, kw, c, k2]);
    const xpShape = xp.shape;
    const dxp = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: gAll, filter },
      { strides: [sh, sw], pad: 'valid', dilations: [1, 1], inputShape: xpShape }) as Tensor4D;
    return xp === x ? dxp : tf.slice(dxp, [0, top, left, 0], shape);
  }) as unknown as TensorInfo;
};

/** `[kh, kw, C, kh·kw]`: multiplier `m` of every channel has a single 1 at window position `m`. */
function oneHotTaps(kh: number, kw: number, c: number): Float32Array {
  const k2 = kh * kw;
  const v = new Float32Array(k2 * c * k2);
  for (let p = 0; p < k2; p++) for (let ch = 0; ch < c; ch++) v[(p * c + ch) * k2 + p] = 1;
  return v;
}
