/**
 * Splits and views of spec §5.3: the seeded validation split of the training set, the augment factor, and the
 * unaugmented training view (original indices, test transform).
 */
import type { Sample } from './datasets/types.js';
import { Rng } from '@pixpnet/engine';

/** Options of {@link makeSplits}. */
export interface SplitOptions {
  /** Fraction of the training set held out for validation (default 0.1); `round(n·valSize)` images. */
  valSize?: number;
  seed?: number;
  /** Each epoch sees every training image this many times (default 1): `round(n·factor)` items, item `i` is image `i mod n`. */
  augmentFactor?: number;
  /**
   * The reference shares the training dataset object with validation, so validation images get the training
   * augmentation (spec §5.3). Default false: validation uses the test transform.
   */
  legacyValAugment?: boolean;
}

/** Sample lists for each loader, as indices into the dataset's samples. */
export interface Splits {
  /** Training items, repeated by the augment factor (augmented). */
  train: number[];
  /** Validation items. */
  val: number[];
  /** Test items. */
  test: number[];
  /** The training images once each, in order: the unaugmented view used by the push. */
  trainUnaugmented: number[];
  /** Whether validation uses the training transform (`legacyValAugment`). */
  valAugmented: boolean;
}

/** A seeded permutation of `0..n-1`. */
export function permutation(n: number, seed: number): number[] {
  return new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
}

/** Splits a dataset's samples into train (augmented, repeated), validation, test and the unaugmented train view. */
export function makeSplits(samples: readonly Sample[], options: SplitOptions = {}): Splits {
  const { valSize = 0.1, seed = 0, augmentFactor = 1, legacyValAugment = false } = options;
  if (!(valSize >= 0 && valSize < 1)) throw new Error(`valSize must be in [0, 1), got ${valSize}.`);
  if (!(augmentFactor > 0)) throw new Error(`augmentFactor must be positive, got ${augmentFactor}.`);
  const trainAll = samples.map((s, i) => (s.train ? i : -1)).filter((i) => i >= 0);
  const test = samples.map((s, i) => (s.train ? -1 : i)).filter((i) => i >= 0);
  const valLen = Math.round(trainAll.length * valSize);
  const perm = permutation(trainAll.length, seed);
  const val = perm.slice(0, valLen).map((k) => trainAll[k]!).sort((a, b) => a - b);
  const held = new Set(val);
  const trainUnaugmented = trainAll.filter((i) => !held.has(i));
  const n = Math.round(trainUnaugmented.length * augmentFactor);
  const train = Array.from({ length: n }, (_, i) => trainUnaugmented[i % trainUnaugmented.length]!);
  return { train, val, test, trainUnaugmented, valAugmented: legacyValAugment };
}
