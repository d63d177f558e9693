/** Splitting a batch into micro-batches (training, push, evaluation forwards under the wasm heap). */
import { tf } from './tf.js';
import type { Tensor } from './tf.js';

/** `[start, length]` pairs covering `n` items in chunks of at most `size`. */
export function* chunks(n: number, size: number): Generator<[number, number]> {
  for (let start = 0; start < n; start += size) yield [start, Math.min(size, n - start)];
}

/** Rows `[start, start + len)` along the first axis; the tensor itself when that is all of it (dispose only a slice). */
export function rows<T extends Tensor>(t: T, start: number, len: number): T {
  if (start === 0 && len === t.shape[0]) return t;
  return tf.slice(t, [start, ...t.shape.slice(1).map(() => 0)], [len, ...t.shape.slice(1).map(() => -1)]) as T;
}
