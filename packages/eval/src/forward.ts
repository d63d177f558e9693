/**
 * Evaluation forwards of a ProtoNet in micro-batches (the wasm heap is 4 GiB), returned as plain arrays with every
 * tensor disposed: best cells, best similarities, logits and, when asked, the similarity maps `P × Hz × Wz`.
 */
import { chunks, rows, tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import type { ProtoNet } from '@pixpnet/models';

/** What {@link forwardArrays} returns for `N` images. */
export interface ForwardArrays {
  /** `N × P`: flat best cell `h·Wz + w`. */
  minDistIdxs: Int32Array;
  /** `N × P`. */
  maxSimilarities: Float32Array;
  /** `N × C`. */
  logits: Float32Array;
  /** `N × P × Hz × Wz`, when `maps` was asked for. */
  similarities?: Float32Array;
}

/** Runs `model` on `x` (`N × H × W × 3`, not disposed) in chunks of at most `microBatch` images. */
export function forwardArrays(model: ProtoNet, x: Tensor4D, options: { microBatch?: number; maps?: boolean } = {}): ForwardArrays {
  const n = x.shape[0];
  const { numPrototypes: P, numClasses: C } = model.config;
  const [Hz, Wz] = model.latentGrid;
  const out: ForwardArrays = { minDistIdxs: new Int32Array(n * P), maxSimilarities: new Float32Array(n * P), logits: new Float32Array(n * C) };
  if (options.maps) out.similarities = new Float32Array(n * P * Hz * Wz);
  for (const [start, len] of chunks(n, Math.max(1, options.microBatch ?? n))) {
    tf.tidy(() => {
      const o = model.forward(rows(x, start, len));
      out.minDistIdxs.set(o.minDistIdxs.dataSync(), start * P);
      out.maxSimilarities.set(o.maxSimilarities.dataSync(), start * P);
      out.logits.set(o.logits.dataSync(), start * C);
      if (out.similarities) out.similarities.set(tf.transpose(model.similarity(o.distances), [0, 3, 1, 2]).dataSync(), start * P * Hz * Wz);
    });
  }
  return out;
}

/** Throws unless the model has class-specific prototypes, which every interpretability metric needs (spec §6). */
export function requireClassSpecific(model: ProtoNet): void {
  if (!model.config.classSpecific) {
    throw new Error('Consistency, stability and the relevance ordering test compare prototypes with the images of their own class: ' +
      'they need a model trained with class-specific prototypes (--model.class-specific).');
  }
}
