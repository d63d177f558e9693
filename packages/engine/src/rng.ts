/** A seeded PRNG (mulberry32) with small helpers: the one source of reproducible randomness outside tfjs. */
export class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
}

/**
 * The seed to give tfjs's random ops (`tf.randomNormal(…, seed)`): tfjs treats a seed of 0 as no seed at all and
 * draws from `Math.random()`, so 0 is mapped to a fixed non-zero value; every other seed is kept as it is.
 */
export function tfSeed(seed: number): number {
  return seed === 0 ? 0x7fffffff : seed;
}
