/**
 * `UnsortedSegmentSum` (missing on wasm; it is the gradient of `gather`) as a one-hot matrix product:
 * `out[s] = Σ_{i: ids[i] = s} x[i]`. Ids outside `[0, numSegments)` contribute nothing, as in TensorFlow.
 */
import { tf } from '../tf.js';
import type { Tensor2D } from '../tf.js';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { asTensor } from './util.js';

/** The kernel name this file implements. */
export const kernelName = 'UnsortedSegmentSum';

/** Sums the rows of `x` that share a segment id. */
export const kernelFunc: KernelFunc = ({ inputs, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number } & NamedAttrMap;
  const idRank = segmentIds.shape.length;
  const n = segmentIds.shape.reduce((a, b) => a * b, 1);
  const rest = x.shape.slice(idRank);
  const d = rest.reduce((a, b) => a * b, 1);
  return tf.tidy(() => {
    const ids = tf.reshape(asTensor(segmentIds), [n]);
    const xf = tf.reshape(x.dtype === 'float32' ? asTensor(x) : tf.cast(asTensor(x), 'float32'), [n, d]) as Tensor2D;
    const oneHot = tf.cast(tf.oneHot(tf.cast(ids, 'int32'), numSegments), 'float32') as Tensor2D; // [n, S]
    const out = tf.reshape(tf.matMul(oneHot, xf, true, false), [numSegments, ...rest]);
    return x.dtype === 'float32' ? out : tf.cast(out, x.dtype);
  }) as unknown as TensorInfo;
};
