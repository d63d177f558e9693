/**
 * Which pixel counts the ROT evaluates. The exact test evaluates every count `0…T−1` (`T = round(H·W·prop) + 1`);
 * the fast test `K` of them, and the summaries integrate between them.
 */

/**
 * `K` distinct pixel counts from 0 to `T − 1`, half of them evenly spaced and half packed towards the start
 * (`t ∝ u²`), where the curves of good heat maps rise fastest. `K ≥ T` gives every count (the exact test).
 */
export function rotSteps(T: number, K?: number): number[] {
  if (K === undefined || K >= T) return Array.from({ length: T }, (_, t) => t);
  const last = T - 1;
  const set = new Set<number>([0, last]);
  const half = Math.ceil(K / 2), quad = K - half - 1;
  for (let i = 1; i < half; i++) set.add(Math.round((last * i) / half));
  for (let i = 1; i <= quad; i++) set.add(Math.round(last * (i / (quad + 1)) ** 2));
  while (set.size < K) {
    // rounding merged some counts: split the widest gaps
    const s = [...set].sort((a, b) => a - b);
    let best = 0;
    for (let i = 1; i < s.length; i++) if (s[i]! - s[i - 1]! > s[best + 1]! - s[best]!) best = i - 1;
    if (s[best + 1]! - s[best]! < 2) break;
    set.add(Math.floor((s[best]! + s[best + 1]!) / 2));
  }
  return [...set].sort((a, b) => a - b);
}
