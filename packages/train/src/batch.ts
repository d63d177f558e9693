/** Summing the gradients of micro-batches (the splitting helpers are `chunks` and `rows` of `@pixpnet/engine`). */
import { tf } from '@pixpnet/engine';

/** The element-wise sum of two gradient maps (same keys); both inputs are disposed. */
export function addGradients(a: tf.NamedTensorMap, b: tf.NamedTensorMap): tf.NamedTensorMap {
  const sum: tf.NamedTensorMap = {};
  for (const k of Object.keys(b)) sum[k] = tf.add(a[k]!, b[k]!);
  tf.dispose([...Object.values(a), ...Object.values(b)]);
  return sum;
}
