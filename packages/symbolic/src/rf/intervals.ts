/**
 * Sets of integer positions along one axis, as sorted, disjoint, non-adjacent half-open intervals stored
 * flat: `[s0, e0, s1, e1, …]`. Most receptive fields are one interval; dilated kernels leave holes.
 */

/** A set of positions on one axis: flat `[start, stop)` pairs, sorted, disjoint and non-adjacent. */
export type IntervalSet = readonly number[];

/** The empty set. */
export const EMPTY: IntervalSet = Object.freeze([]) as IntervalSet;

/** `[start, stop)` as a set. */
export const interval = (start: number, stop: number): IntervalSet => (stop > start ? [start, stop] : EMPTY);

/** Union of sets. */
export function union(sets: readonly IntervalSet[]): IntervalSet {
  let single: IntervalSet | undefined;
  let many = false;
  for (const s of sets) {
    if (s.length === 0) continue;
    if (!single) single = s;
    else if (s !== single) many = true;
  }
  if (!single) return EMPTY;
  if (!many) return single;
  // fast path: single intervals in order, each overlapping or touching the running hull
  let cs = Infinity, ce = -Infinity, fast = true;
  for (const s of sets) {
    if (s.length === 0) continue;
    if (s.length !== 2 || (ce !== -Infinity && (s[0]! > ce || s[1]! < cs))) {
      fast = false;
      break;
    }
    if (s[0]! < cs) cs = s[0]!;
    if (s[1]! > ce) ce = s[1]!;
  }
  if (fast) return [cs, ce];
  return unionSlow(sets);
}

function unionSlow(sets: readonly IntervalSet[]): IntervalSet {
  const pairs: Array<[number, number]> = [];
  for (const s of sets) for (let i = 0; i < s.length; i += 2) pairs.push([s[i]!, s[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  let [cs, ce] = pairs[0]!;
  for (let i = 1; i < pairs.length; i++) {
    const [s, e] = pairs[i]!;
    if (s <= ce) ce = Math.max(ce, e);
    else {
      out.push(cs, ce);
      cs = s;
      ce = e;
    }
  }
  out.push(cs, ce);
  return out;
}

/** Equality of two sets. */
export function equal(a: IntervalSet, b: IntervalSet): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when every position of `b` is in `a`. */
export function contains(a: IntervalSet, b: IntervalSet): boolean {
  let i = 0;
  for (let j = 0; j < b.length; j += 2) {
    const s = b[j]!, e = b[j + 1]!;
    while (i < a.length && a[i + 1]! <= s) i += 2; // skip a's intervals that end before s
    if (i >= a.length || a[i]! > s || a[i + 1]! < e) return false; // [s, e) must sit inside one of a's intervals
  }
  return true;
}

/** Number of positions. */
export function size(a: IntervalSet): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 2) n += a[i + 1]! - a[i]!;
  return n;
}

/** `[first, last + 1)`, or `[0, 0]` for the empty set. */
export function hull(a: IntervalSet): [number, number] {
  return a.length ? [a[0]!, a[a.length - 1]!] : [0, 0];
}

/** The set as `[start, stop)` pairs. */
export function toPairs(a: IntervalSet): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i]!, a[i + 1]!]);
  return out;
}
