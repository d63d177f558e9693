/**
 * What an evaluation will cost before it starts: its forwards, counted from the plan, and their duration at a
 * forward rate measured on this machine with the model itself.
 */
import { tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import type { ProtoNet } from '@pixpnet/models';
import { forwardArrays } from './forward.js';

/**
 * Images per second of `model`'s evaluation forward here: one batch of `n` blank images after a warm-up batch (the
 * first call compiles kernels), in micro-batches of `microBatch` as the evaluation runs them. Every tensor disposed.
 */
export function measureForwardRate(model: ProtoNet, n: number, microBatch?: number): number {
  const [H, W] = model.config.inputSize;
  const x = tf.zeros([Math.max(1, n), H, W, 3]) as Tensor4D;
  try {
    const o = microBatch ? { microBatch } : {};
    forwardArrays(model, x, o);
    const t0 = performance.now();
    forwardArrays(model, x, o);
    return x.shape[0] / Math.max(1e-6, (performance.now() - t0) / 1000);
  } finally {
    x.dispose();
  }
}

/** The forwards of an evaluation's stages. */
export interface EvaluationCost {
  /** Consistency, stability and part-correctness: each image once, and once more with noise for stability. */
  partForwards: number;
  /** The ROT's forwards over the methods not read from the cache. */
  rotForwards: number;
  forwards: number;
  /** At `rate` images per second. */
  seconds: number;
}

/**
 * The forwards an evaluation plans: `images` for the part metrics (twice with stability), and per ROT method to
 * compute `rotForwardsPerMethod`. Pure.
 */
export function evaluationCost(p: { images: number; partMetrics: boolean; stability: boolean; rotMethods: number; rotForwardsPerMethod: number; rate: number }): EvaluationCost {
  const partForwards = p.partMetrics ? p.images * (p.stability ? 2 : 1) : 0;
  const rotForwards = p.rotMethods * p.rotForwardsPerMethod;
  const forwards = partForwards + rotForwards;
  return { partForwards, rotForwards, forwards, seconds: forwards / Math.max(1e-9, p.rate) };
}
