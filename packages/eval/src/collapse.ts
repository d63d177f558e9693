/**
 * Telling a collapsed model: one whose prototypes no longer depend on the image (a diverged training — e.g. SGD at a
 * huge learning rate — leaves every latent cell equally similar to every prototype). Its consistency and stability
 * then look perfect (every box is the same, whatever the noise) while they mean nothing, so an evaluation says so.
 */
import { tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import type { DataLoader } from '@pixpnet/data';
import type { ProtoNet } from '@pixpnet/models';
import { forwardArrays } from './forward.js';

/** Options of {@link collapseReasons}. */
export interface CollapseOptions {
  /** Images per forward. */
  microBatch?: number;
}

/** Relative spread under which values count as equal. */
const TIE = 1e-6;
const same = (a: number, b: number) => Math.abs(a - b) <= TIE * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Why `model` looks collapsed on the images `loader` gives (none: it does not; a few dozen images suffice): flat similarity maps (every
 * cell of a prototype's map equally similar), one best cell and similarity shared by every prototype on every image,
 * or logits equal for every class. Reasons are sentences for a warning and for the results file.
 */
export async function collapseReasons(model: ProtoNet, loader: DataLoader, o: CollapseOptions = {}): Promise<string[]> {
  const { numPrototypes: P, numClasses: C } = model.config;
  const [Hz, Wz] = model.latentGrid;
  const cells = Hz * Wz;
  let images = 0, flat = 0, shared = 0, equalLogits = 0;
  for await (const batch of loader) {
    try {
      const x = batch.x as Tensor4D;
      const take = x.shape[0];
      const f = forwardArrays(model, x, { maps: true, ...(o.microBatch ? { microBatch: o.microBatch } : {}) });
      for (let n = 0; n < take; n++) {
        for (let p = 0; p < P; p++) {
          const map = f.similarities!.subarray((n * P + p) * cells, (n * P + p + 1) * cells);
          let lo = Infinity, hi = -Infinity;
          for (const v of map) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
          if (!(hi > lo) || same(lo, hi)) flat++;
        }
        const first = f.minDistIdxs[n * P]!, firstSim = f.maxSimilarities[n * P]!;
        let all = true;
        for (let p = 1; p < P && all; p++) all = f.minDistIdxs[n * P + p] === first && same(f.maxSimilarities[n * P + p]!, firstSim);
        if (all) shared++;
        let eq = true;
        for (let c = 1; c < C && eq; c++) eq = same(f.logits[n * C + c]!, f.logits[n * C]!);
        if (eq) equalLogits++;
      }
      images += take;
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
  }
  const reasons: string[] = [];
  if (!images) return reasons;
  const pct = (k: number, of: number) => `${((100 * k) / of).toFixed(0)} %`;
  if (flat >= 0.9 * images * P) reasons.push(`the similarity maps are flat (every latent cell equally similar) for ${pct(flat, images * P)} of the image–prototype pairs`);
  if (P > 1 && shared === images) reasons.push(`every prototype has the same best cell and similarity on each of ${images} images`);
  if (C > 1 && equalLogits === images) reasons.push(`the logits are equal for every class on each of ${images} images`);
  return reasons;
}
