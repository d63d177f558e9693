/**
 * `BatchMatMul` on wasm with `transposeA`/`transposeB`: the native kernel is about 18× slower with either flag
 * than without (measured 53 ms against 3 ms for `[2048, 128] · [200, 128]ᵀ`, the cosine similarities of a
 * ProtoPNet head, and as slow again in its gradient). This one transposes the flagged operand explicitly (a fast
 * 2-D or batched transpose) and calls the backend's own kernel without flags.
 */
import { tf } from '../tf.js';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { asTensor } from './util.js';

/** The kernel name this file implements. */
export const kernelName = 'BatchMatMul';

/** The last two axes swapped (a no-op reshape for a vector-like matrix). */
function swapLast(t: TensorInfo): tf.Tensor {
  const x = asTensor(t);
  const r = x.rank;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
  return tf.transpose(x, perm);
}

/** Wraps the backend's own `BatchMatMul`: flags become explicit transposes. */
export function wrap(original: KernelFunc): KernelFunc {
  return (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean } & NamedAttrMap;
    if (!transposeA && !transposeB) return original(args);
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const at = transposeA ? swapLast(a) : asTensor(a);
    const bt = transposeB ? swapLast(b) : asTensor(b);
    try {
      return original({ ...args, inputs: { a: at, b: bt }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      tf.dispose([at, bt]);
    }
  };
}
