/**
 * `FusedBatchNorm` (inference batch norm, `tf.batchNorm`) on wasm: the native kernel takes about as long as the
 * convolution before it (37 ms against 55 ms in a small VGG's inference). With per-channel statistics this is one
 * pass of the native `channel_affine`: `(x − mean)·(scale/√(variance + ε)) + offset`, split by rows across the
 * threads. Other shapes, and the backend without the native kernels, go to the backend's own kernel.
 */
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { nativeKernels } from '../native/module.js';
import { Scratch, channelAffine } from '../ops/batch_norm_native.js';

/** The kernel name this file implements. */
export const kernelName = 'FusedBatchNorm';

/** Wraps the backend's own `FusedBatchNorm`. */
export function wrap(original: KernelFunc): KernelFunc {
  return (args) => {
    const nk = nativeKernels();
    const { x, mean, variance, offset, scale } = args.inputs as Record<string, TensorInfo | undefined>;
    const C = x!.shape[x!.shape.length - 1] ?? 0;
    const perChannel = (t: TensorInfo | undefined) => !t || (t.dtype === 'float32' && t.shape.length === 1 && t.shape[0] === C);
    if (!nk || x!.dtype !== 'float32' || C === 0 || ![mean, variance, offset, scale].every(perChannel) || !mean || !variance) {
      return original(args);
    }
    const { varianceEpsilon } = args.attrs as unknown as { varianceEpsilon: number } & NamedAttrMap;
    // the scale and a zero offset in scratch, allocated before any view of the heap (allocating may grow it)
    const sc = new Scratch(nk, 2 * C);
    try {
      const heap = nk.heapF32();
      const at = (t: TensorInfo) => heap.subarray(nk.offsetOf(t) / 4, nk.offsetOf(t) / 4 + C);
      const v = at(variance), g = scale ? at(scale) : undefined;
      const s = sc.view(0, C);
      for (let c = 0; c < C; c++) s[c] = (g ? g[c]! : 1) / Math.sqrt(v[c]! + varianceEpsilon);
      sc.view(C, C).fill(0);
      const out = nk.output([...x!.shape]);
      const n = x!.shape.reduce((a, b) => a * b, 1) / C;
      channelAffine(nk, n, C, { a: nk.offsetOf(x!), ca: nk.offsetOf(mean), s: sc.at(0), b: 0, cb: 0, u: 0, t: offset ? nk.offsetOf(offset) : sc.at(C) }, out);
      return out;
    } finally {
      sc.free();
    }
  };
}
