/**
 * Part-correctness: does a prototype point at a part that defines its class where it fires most? A ground-truth
 * check in the manner of FunnyBirds, for datasets that name their class-defining parts (the synthetic parts set's
 * `class_parts.txt`).
 *
 * For each prototype, its `topK` test images by maximum similarity over the whole split (every class: a prototype
 * firing most on other classes' images, on the background or on a distractor, is part of what is measured); an image
 * is a hit when the prototype's box on it (one box method, the box of consistency) contains a visible part that
 * defines the prototype's class. A prototype scores its hits / `topK`, the metric is the mean over prototypes.
 */
import { nanMean, quantiles } from '@pixpnet/engine';
import { QUANTILES } from './consistency.js';

/** The default number of top images per prototype. */
export const PART_TOP_K = 10;

/** Part-correctness of one box method. */
export interface PartCorrectness {
  /** The mean over prototypes of the per-prototype scores (NaN ones left out). */
  score: number;
  /** Per prototype: the share of its top images whose box holds a part that defines its class (NaN: nothing defines its class). */
  perPrototype: number[];
  /** {@link QUANTILES} of the per-prototype scores (NaNs left out). */
  quantiles: number[];
}

/**
 * Part-correctness of one box method, accumulated image by image: each prototype keeps its `topK` images by
 * similarity (ties: the image seen first) and whether its box held a defining part on each.
 */
export class PartCorrectnessAccumulator {
  /** Per prototype: the kept images, best first. */
  private readonly top: Array<Array<{ similarity: number; hit: boolean }>>;

  /**
   * `definedBy(p)`: the merged part ids that define prototype `p`'s class; a prototype with none scores NaN (its class
   * cannot be judged).
   */
  constructor(readonly numPrototypes: number, readonly topK: number, private readonly definedBy: (p: number) => ReadonlySet<number> | undefined) {
    if (!Number.isInteger(topK) || topK < 1) throw new Error(`Part-correctness: the number of top images must be a positive whole number, got ${topK}.`);
    this.top = Array.from({ length: numPrototypes }, () => []);
  }

  /**
   * Whether an image on which prototype `p` reaches `similarity` enters its top images (ask before computing its
   * box): while fewer than `topK` are kept, or when it beats the worst kept (strictly: on a tie the earlier image stays).
   */
  enters(p: number, similarity: number): boolean {
    const t = this.top[p]!;
    return t.length < this.topK || similarity > t[t.length - 1]!.similarity;
  }

  /** Whether any part of `inBox` (merged part id → in the box, as `partsInBox` gives) defines prototype `p`'s class. */
  isHit(p: number, inBox: ReadonlyMap<number, boolean>): boolean {
    const defining = this.definedBy(p);
    if (!defining) return false;
    for (const [part, inside] of inBox) if (inside && defining.has(part)) return true;
    return false;
  }

  /** One image for prototype `p` (images in loader order): its similarity and whether the box held a defining part. */
  add(p: number, similarity: number, hit: boolean): void {
    if (!this.enters(p, similarity)) return;
    const t = this.top[p]!;
    let at = t.length;
    while (at > 0 && similarity > t[at - 1]!.similarity) at--;
    t.splice(at, 0, { similarity, hit });
    if (t.length > this.topK) t.pop();
  }

  /** Per prototype its hits over its kept images (`topK`, or every image when fewer were seen), and their mean. */
  result(): PartCorrectness {
    const per = this.top.map((t, p) => (!this.definedBy(p)?.size || !t.length ? NaN : t.filter((e) => e.hit).length / t.length));
    return { score: nanMean(per), perPrototype: per, quantiles: quantiles(per, QUANTILES) };
  }
}
