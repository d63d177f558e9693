/**
 * "This looks like that" for one image (spec §8): the prediction, each prototype's similarity and contribution to
 * the predicted class, the top prototypes with the exact receptive field of their best cell and their heat maps.
 */
import type { Tensor4D } from '@pixpnet/engine';
import type { ProtoNet } from '@pixpnet/models';
import { forwardArrays } from '../forward.js';
import { Rng } from '@pixpnet/engine';
import { heatmapMethod } from '../maps/registry.js';

/** How the prototypes of a panel are ordered. */
export const EXPLAIN_SORTS = ['contribution', 'similarity', 'none'] as const;
export type ExplainSort = (typeof EXPLAIN_SORTS)[number];

/** Options of {@link explainImage}. */
export interface ExplainOptions {
  /** Prototypes shown (default 4). */
  topK?: number;
  /** Default `contribution` (descending); `similarity` (descending) or `none` (prototype order). */
  sort?: ExplainSort;
  /** Heat-map method from the registry (default `rf`, PixPNet's). */
  heatmap?: string;
  /** Seed of random heat maps. */
  seed?: number;
}

/** One prototype's evidence in an image. */
export interface PrototypeEvidence {
  prototype: number;
  /** Its class (class-specific models), else null. */
  prototypeClass: number | null;
  similarity: number;
  /** Its contribution to the predicted class's logit. */
  contribution: number;
  /** Best latent cell, row-major. */
  cell: number;
  /** The exact receptive field of that cell, `[x1, y1, x2, y2]` (exclusive ends). */
  box: [number, number, number, number];
  /** The heat map `H × W` (row-major). */
  heatmap: Float32Array;
}

/** An explained image. */
export interface Explanation {
  predicted: number;
  logits: number[];
  /** Every prototype's similarity (`P`), not only the shown ones'. */
  similarities: number[];
  /** The shown prototypes, in panel order. */
  evidence: PrototypeEvidence[];
  heatmapMethod: string;
  sort: ExplainSort;
}

/** Per-prototype contributions to class `c` (spec §8 step 2): linear `W[c,:]·s`; sparse and proto: class `c`'s prototypes only. */
export function contributions(model: ProtoNet, sims: Float32Array, c: number): Float32Array {
  const { numPrototypes: P, readout } = model.config;
  const out = new Float32Array(P);
  if (readout === 'linear') {
    const W = model.readout!.dataSync();
    for (let j = 0; j < P; j++) out[j] = W[c * P + j]! * sims[j]!;
    return out;
  }
  const own = model.classPrototypes(c);
  const w = readout === 'sparse' ? model.readout!.dataSync() : undefined; // C × P/C group weights
  own.forEach((j, k) => { out[j] = (w ? w[c * own.length + k]! : 1) * sims[j]!; });
  return out;
}

/** Explains one image `x` (`1 × H × W × 3`, normalised; not disposed). */
export async function explainImage(model: ProtoNet, x: Tensor4D, o: ExplainOptions = {}): Promise<Explanation> {
  const method = heatmapMethod(o.heatmap ?? 'rf');
  const sort = o.sort ?? 'contribution';
  const topK = Math.min(o.topK ?? 4, model.config.numPrototypes);
  if (!Number.isInteger(topK) || topK < 1) throw new Error(`--top-k must be a whole number ≥ 1, got ${o.topK}.`);
  const f = forwardArrays(model, x, { maps: true });
  const logits = Array.from(f.logits);
  const predicted = logits.indexOf(Math.max(...logits));
  const sims = f.maxSimilarities;
  const contrib = contributions(model, sims, predicted);
  const order = Array.from({ length: model.config.numPrototypes }, (_, j) => j);
  if (sort === 'contribution') order.sort((a, b) => contrib[b]! - contrib[a]! || a - b);
  else if (sort === 'similarity') order.sort((a, b) => sims[b]! - sims[a]! || a - b);
  const shown = order.slice(0, topK);
  const rng = new Rng(o.seed ?? 0);
  const maps = await method.compute({ model, image: x, similarities: f.similarities!, prototypes: shown, random: () => rng.next() });
  const [H, W] = model.config.inputSize;
  return {
    predicted, logits, similarities: Array.from(sims), heatmapMethod: method.name, sort,
    evidence: shown.map((j, q) => {
      const cell = f.minDistIdxs[j]!;
      const [h0, h1, w0, w1] = model.rfBoxes[cell]!;
      return {
        prototype: j, prototypeClass: model.config.classSpecific ? model.prototypeClass(j) : null, similarity: sims[j]!, contribution: contrib[j]!,
        cell, box: [w0, h0, w1, h1], heatmap: maps.slice(q * H * W, (q + 1) * H * W),
      };
    }),
  };
}

/** Checks explanation options before any work. */
export function checkExplainOptions(o: ExplainOptions): void {
  if (o.sort !== undefined && !EXPLAIN_SORTS.includes(o.sort)) throw new Error(`--sort must be one of ${EXPLAIN_SORTS.join(', ')}, got '${o.sort}'.`);
  if (o.topK !== undefined && (!Number.isInteger(o.topK) || o.topK < 1)) throw new Error(`--top-k must be a whole number ≥ 1, got ${o.topK}.`);
  heatmapMethod(o.heatmap ?? 'rf');
}
