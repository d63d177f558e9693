/** Summary statistics shared by training and evaluation reports. */

/** Linear-interpolated quantiles (as torch.quantile) of the finite and infinite values; NaNs are left out. */
export function quantiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  const v = Array.from(values).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!v.length) return qs.map(() => NaN);
  return qs.map((q) => {
    const pos = q * (v.length - 1), lo = Math.floor(pos), hi = Math.ceil(pos);
    return lo === hi || v[lo] === v[hi] ? v[lo]! : v[lo]! + (v[hi]! - v[lo]!) * (pos - lo); // equal ends: no inf − inf
  });
}

/** The mean of the values that are not NaN (NaN when there are none), as `torch.nanmean`. */
export function nanMean(values: ArrayLike<number>): number {
  let s = 0, n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) { s += values[i]!; n++; }
  return n ? s / n : NaN;
}

/** Python's `round`: halves go to the even neighbour (the reference rounds pixel midpoints, pads and periods so). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x), d = x - f;
  if (d !== 0.5) return Math.round(x);
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Whether an accuracy measured on `n` items is no better than guessing among `classes` equally likely classes:
 * within two standard errors of the binomial at 1/classes (0.185 for 10 classes on 50 items).
 */
export function atChance(accuracy: number, classes: number, n: number): boolean {
  if (!(classes > 1) || !(n > 0)) return false;
  const p = 1 / classes;
  return !(accuracy > p + 2 * Math.sqrt((p * (1 - p)) / n));
}
