import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dominates, paretoRanks } from './pareto.js';
import type { ParetoPoint } from './pareto.js';

/** The definition, brute force: peel the points no remaining point dominates, O(n²) per rank. */
function bruteForceRanks(points: readonly ParetoPoint[]): number[] {
  const ranks = new Array<number>(points.length).fill(0);
  let left = points.map((_, i) => i);
  for (let rank = 1; left.length; rank++) {
    const front = left.filter((i) => !left.some((j) => j !== i && dominates(points[j]!, points[i]!)));
    for (const i of front) ranks[i] = rank;
    left = left.filter((i) => !front.includes(i));
  }
  return ranks;
}

// few distinct values, so that ties in one or both coordinates are common
const tied = fc.record({ accuracy: fc.integer({ min: 0, max: 8 }).map((v) => v / 8), patchPct: fc.integer({ min: 1, max: 9 }).map((v) => v * 11.5) });
const free = fc.record({ accuracy: fc.double({ min: 0, max: 1, noNaN: true }), patchPct: fc.double({ min: 0.01, max: 100, noNaN: true }) });

describe('paretoRanks', () => {
  it('equals the brute-force peeling on random point sets (with many ties)', () => {
    fc.assert(fc.property(fc.array(fc.oneof(tied, free), { maxLength: 60 }), (points) => {
      expect(paretoRanks(points)).toEqual(bruteForceRanks(points));
    }), { numRuns: 400 });
  });

  it('gives each point 1 + the highest rank of the points dominating it, and rank 1 only to undominated points', () => {
    fc.assert(fc.property(fc.array(tied, { minLength: 1, maxLength: 40 }), (points) => {
      const r = paretoRanks(points);
      points.forEach((p, i) => {
        const above = points.map((q, j) => (dominates(q, p) ? r[j]! : 0));
        expect(r[i]).toBe(1 + Math.max(0, ...above));
      });
    }), { numRuns: 200 });
  });

  it('ranks a small example by hand: ties in both values share a rank, ties in one do not', () => {
    const pts = [
      { accuracy: 0.9, patchPct: 50 }, // front
      { accuracy: 0.7, patchPct: 5 }, // front
      { accuracy: 0.7, patchPct: 5 }, // equal to the previous: front too
      { accuracy: 0.6, patchPct: 5 }, // same patch, less accurate: rank 2
      { accuracy: 0.9, patchPct: 60 }, // same accuracy, larger patch: rank 2
      { accuracy: 0.5, patchPct: 70 }, // dominated by rank-2 points: rank 3
      { accuracy: 0.95, patchPct: 100 }, // front
    ];
    expect(paretoRanks(pts)).toEqual([1, 1, 1, 2, 2, 3, 1]);
    expect(paretoRanks([])).toEqual([]);
  });

  it('refuses non-finite values', () => {
    expect(() => paretoRanks([{ accuracy: Number.NaN, patchPct: 3 }])).toThrow(/finite accuracy and patch %/);
  });
});
