/**
 * The ROT's summaries (spec §6.5, the notebook's aggregation): the area under the normalised curve (trapezoid over
 * the fraction of pixels added back) and the smallest fraction at which the similarity reaches the original's.
 */

/** Trapezoid area of `(y − y[0]) / (y[last] − y[0])` over `x` (fractions of pixels, 0…1). Can be negative. */
export function rotArea(x: readonly number[], y: readonly number[]): number {
  const y0 = y[0]!, y1 = y[y.length - 1]!;
  const norm = (v: number) => (v - y0) / (y1 - y0);
  let a = 0;
  for (let i = 1; i < x.length; i++) a += ((x[i]! - x[i - 1]!) * (norm(y[i]!) + norm(y[i - 1]!))) / 2;
  return a;
}

/** The smallest `x` (percent of pixels added back) with `y ≥ y[last]`; NaN when the last value is NaN. */
export function pctAtOrigSim(xPct: readonly number[], y: readonly number[]): number {
  const last = y[y.length - 1]!;
  const i = y.findIndex((v) => v >= last);
  return i < 0 ? NaN : xPct[i]!;
}
