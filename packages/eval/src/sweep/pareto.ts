/** Pareto ranks of (accuracy, patch %) points: the front of the accuracy ↔ receptive-field trade-off and its layers. */

/** A point to rank: higher accuracy is better, smaller patch % is better. */
export interface ParetoPoint {
  accuracy: number;
  patchPct: number;
}

/** `a` dominates `b`: at least as accurate with at most the patch %, and strictly better in one of them. */
export function dominates(a: ParetoPoint, b: ParetoPoint): boolean {
  return a.accuracy >= b.accuracy && a.patchPct <= b.patchPct && (a.accuracy > b.accuracy || a.patchPct < b.patchPct);
}

/**
 * Pareto ranks by repeated peeling: rank 1 is the set of points no other point dominates (maximise accuracy,
 * minimise patch %); remove it, rank 2 is the non-dominated set of the rest, and so on. Points equal in both values
 * never dominate each other, so they share a rank. Returns one rank per point, in the input order.
 *
 * Each peel is a scan in patch-% order (O(n log n)); at most n peels.
 */
export function paretoRanks(points: readonly ParetoPoint[]): number[] {
  for (const p of points) {
    if (!Number.isFinite(p.accuracy) || !Number.isFinite(p.patchPct)) throw new Error(`paretoRanks: every point needs a finite accuracy and patch %, got ${JSON.stringify(p)}.`);
  }
  const ranks = new Array<number>(points.length).fill(0);
  // by patch % ascending, then accuracy descending: a point can only be dominated by points before it
  let left = points.map((_, i) => i).sort((i, j) => points[i]!.patchPct - points[j]!.patchPct || points[j]!.accuracy - points[i]!.accuracy);
  for (let rank = 1; left.length; rank++) {
    const rest: number[] = [];
    let bestBefore = -Infinity; // best accuracy among points of strictly smaller patch %
    for (let g = 0; g < left.length;) {
      const patch = points[left[g]!]!.patchPct;
      const top = points[left[g]!]!.accuracy; // the group's best: first in the group
      let end = g;
      for (; end < left.length && points[left[end]!]!.patchPct === patch; end++) {
        const i = left[end]!;
        if (points[i]!.accuracy > bestBefore && points[i]!.accuracy === top) ranks[i] = rank;
        else rest.push(i);
      }
      bestBefore = Math.max(bestBefore, top);
      g = end;
    }
    left = rest;
  }
  return ranks;
}
