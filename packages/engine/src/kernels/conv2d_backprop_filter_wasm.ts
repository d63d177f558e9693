/**
 * `Conv2DBackpropFilter` on the wasm backend: the native kernel (`native/pixkern.c` `filter_grad`), a direct
 * blocked SIMD sum over the tfjs heap with no im2col, no transposes and no copies, split by output channels
 * across the backend's threads. Falls back to the tf-op kernel (`conv2d_backprop_filter.ts`) where the native
 * module is not running.
 */
import { tf } from '../tf.js';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { nativeKernels } from '../native/module.js';
import * as generic from './conv2d_backprop_filter.js';
import { assertNHWC } from './util.js';

/** The kernel name this file implements. */
export const kernelName = generic.kernelName;

/** Bytes of input rows a group of output rows should span (they stay in the 512 KiB L2 of current cores). */
export const GROUP_BYTES = 256 * 1024;

/**
 * Output rows visited together: about 256 pixels to amortise loading the accumulators, fewer when the input rows
 * they read would not stay in cache, but at least about 128 (below that, reloading the accumulators costs more
 * than the cache misses: measured on VGG-11's 28×28×512 layer).
 */
export function groupRows(ci: tf.backend_util.Conv2DInfo): number {
  const xRow = ci.inWidth * ci.inChannels * 4;
  const atLeast = Math.min(ci.outHeight, Math.ceil(128 / ci.outWidth));
  let g = Math.min(ci.outHeight, Math.max(1, Math.ceil(256 / ci.outWidth)));
  while (g > atLeast && ((g - 1) * ci.strideHeight + ci.filterHeight) * xRow > GROUP_BYTES) g--;
  return g;
}

/** Splits `[0, n)` into at most `parts` ranges whose bounds are multiples of 8 (the kernel's vector block). */
export function splitChannels(n: number, parts: number): Array<[number, number]> {
  const blocks = Math.ceil(n / 8);
  const k = Math.max(1, Math.min(parts, blocks));
  const out: Array<[number, number]> = [];
  for (let p = 0; p < k; p++) {
    const a = Math.min(n, Math.round((blocks * p) / k) * 8);
    const b = Math.min(n, Math.round((blocks * (p + 1)) / k) * 8);
    if (b > a) out.push([a, b]);
  }
  return out;
}

/** The filter gradient on the native kernel, or the tf-op kernel without it. */
export const kernelFunc: KernelFunc = (args) => {
  const nk = nativeKernels();
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  if (!nk || x.dtype !== 'float32' || dy.dtype !== 'float32') return generic.kernelFunc(args);
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as generic.FilterGradAttrs & NamedAttrMap;
  assertNHWC(kernelName, dataFormat);
  const ci = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad as never, dimRoundingMode, false, 'channelsLast');
  const out = nk.output([...filterShape]);
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const [KH, KW, , O] = filterShape;
  const common = [nk.offsetOf(x), nk.offsetOf(dy), nk.offsetOf(out), B, H, W, C, ci.outHeight, ci.outWidth, O, KH, KW,
    ci.strideHeight, ci.strideWidth, 1, 1, ci.padInfo.top, ci.padInfo.left];
  const g = groupRows(ci);
  nk.run('filter_grad', splitChannels(O, nk.threads).map(([o0, o1]) => [...common, o0, o1, g]));
  return out;
};
