/**
 * Consistency and stability (spec §6.3–6.4, after Huang et al., arXiv 2212.05946), accumulated image by image
 * from the part-in-box vectors of {@link partsInBox}.
 */
import { nanMean, quantiles } from '@pixpnet/engine';

/** The 0/25/50/75/100 % quantiles the reports print. */
export const QUANTILES = [0, 0.25, 0.5, 0.75, 1] as const;

/** A metric's scores. */
export interface PartMetric {
  soft: number;
  hard: number;
  /** The per-prototype scores behind `soft` and `hard` (NaN: the prototype was never evaluated). */
  perPrototype: { soft: number[]; hard: number[] };
  /** {@link QUANTILES} of the per-prototype scores (NaNs left out). */
  quantiles: { soft: number[]; hard: number[] };
}

function metric(soft: number[], hard: number[], hardScore = nanMean(hard)): PartMetric {
  return { soft: nanMean(soft), hard: hardScore, perPrototype: { soft, hard }, quantiles: { soft: quantiles(soft, QUANTILES), hard: quantiles(hard, QUANTILES) } };
}

/** A prototype is consistent when one part is in its box on at least this share of its class's images. */
export const CONSISTENT = 0.8;

/** Options of {@link ConsistencyAccumulator}. */
export interface ConsistencyOptions {
  /**
   * The reference's consistency: each prototype's hit rate is taken for every part id `0 … numParts − 1`, and a part
   * never visible on the images of the prototype's class gives 0/0 = NaN, which the maximum over parts propagates: the
   * prototype scores NaN, soft consistency (a NaN-ignoring mean) leaves it out and hard consistency counts it as not
   * consistent. By default such a part is left out of the prototype's best part (nothing can be said about it).
   */
  legacyMissingPartNan?: boolean;
  /** The number of part ids (the reference: the largest id annotated in the dataset, visible or not, + 1); needed by `legacyMissingPartNan`. */
  numParts?: number;
}

/** Consistency: for each prototype, the best part's hit rate over the images of its class where that part is visible. */
export class ConsistencyAccumulator {
  private readonly hits: Map<number, number>[];
  private readonly seen: Map<number, number>[];

  constructor(readonly numPrototypes: number, private readonly options: ConsistencyOptions = {}) {
    if (options.legacyMissingPartNan && !(Number.isInteger(options.numParts) && options.numParts! >= 0)) {
      throw new Error('ConsistencyAccumulator: legacyMissingPartNan needs numParts, the number of part ids.');
    }
    this.hits = Array.from({ length: numPrototypes }, () => new Map());
    this.seen = Array.from({ length: numPrototypes }, () => new Map());
  }

  /** One image of prototype `p`'s class: its visible parts and whether each is in the box. */
  add(p: number, inBox: ReadonlyMap<number, boolean>): void {
    for (const [part, hit] of inBox) {
      this.seen[p]!.set(part, (this.seen[p]!.get(part) ?? 0) + 1);
      if (hit) this.hits[p]!.set(part, (this.hits[p]!.get(part) ?? 0) + 1);
    }
  }

  /** Soft: the NaN-ignoring mean of the per-prototype scores; hard: the share of all prototypes scoring ≥ 0.8. */
  result(): PartMetric {
    const { legacyMissingPartNan, numParts = 0 } = this.options;
    const per = this.seen.map((seen, p) => {
      if (legacyMissingPartNan) for (let k = 0; k < numParts; k++) if (!seen.get(k)) return NaN; // 0/0 for part k
      let best = NaN;
      for (const [part, n] of seen) {
        const r = (this.hits[p]!.get(part) ?? 0) / n;
        if (!(r <= best)) best = r;
      }
      return best;
    });
    const consistent = per.map((c) => (c >= CONSISTENT ? 1 : 0)); // NaN counts as not consistent
    return metric(per, consistent, consistent.reduce((a: number, b) => a + b, 0) / this.numPrototypes);
  }
}

/** Options of {@link StabilityAccumulator}. */
export interface StabilityOptions {
  /**
   * The reference's soft stability: the Jaccard index of two empty part sets is NaN, so one image where a
   * prototype's box holds no part, clean or noisy, makes that prototype's soft score NaN for good. By default two
   * empty sets are identical (index 1), as hard stability already counts them.
   */
  legacySoftStability?: boolean;
}

/** Stability: does a prototype's box hold the same parts when Gaussian noise is added to the image? */
export class StabilityAccumulator {
  private readonly same: Float64Array;
  private readonly jaccard: Float64Array;
  private readonly count: Float64Array;

  constructor(readonly numPrototypes: number, private readonly options: StabilityOptions = {}) {
    this.same = new Float64Array(numPrototypes);
    this.jaccard = new Float64Array(numPrototypes);
    this.count = new Float64Array(numPrototypes);
  }

  /** One image of prototype `p`'s class: part-in-box vectors for the clean and the noisy input (same parts). */
  add(p: number, clean: ReadonlyMap<number, boolean>, noisy: ReadonlyMap<number, boolean>): void {
    let both = 0, either = 0, equal = true;
    for (const [part, a] of clean) {
      const b = noisy.get(part) ?? false;
      if (a && b) both++;
      if (a || b) either++;
      if (a !== b) equal = false;
    }
    this.same[p]! += equal ? 1 : 0;
    this.jaccard[p]! += either ? both / either : this.options.legacySoftStability ? NaN : 1;
    this.count[p]!++;
  }

  /** Soft: the NaN-ignoring mean over prototypes of the mean Jaccard index; hard: of the share of unchanged images. */
  result(): PartMetric {
    return metric(Array.from(this.jaccard, (s, p) => s / this.count[p]!), Array.from(this.same, (s, p) => s / this.count[p]!));
  }
}
