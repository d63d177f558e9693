import { describe, expect, it } from 'vitest';
import { PART_TOP_K, PartCorrectnessAccumulator } from './part_correctness.js';

/** Prototypes 0–1 of class 0 (defined by part 3), 2–3 of class 1 (defined by parts 1 and 5). */
const defining = new Map([[0, new Set([3])], [1, new Set([1, 5])]]);
const definedBy = (p: number) => defining.get(Math.floor(p / 2));

describe('PartCorrectnessAccumulator', () => {
  it('keeps each prototype\'s top k images by similarity and scores the share whose box held a defining part', () => {
    const acc = new PartCorrectnessAccumulator(4, 3, definedBy);
    // prototype 0 over six images: the three most similar are 0.9 (hit), 0.8 (miss), 0.7 (hit); the hits at 0.1 and 0.2 are not among them
    for (const [sim, hit] of [[0.1, true], [0.9, true], [0.2, true], [0.8, false], [0.05, false], [0.7, true]] as const) acc.add(0, sim, hit);
    // prototype 2: only two images seen, fewer than k: both count
    acc.add(2, 0.5, true);
    acc.add(2, 0.4, false);
    const r = acc.result();
    expect(r.perPrototype[0]).toBeCloseTo(2 / 3, 12);
    expect(r.perPrototype[2]).toBe(0.5);
    expect(r.perPrototype[1]).toBeNaN(); // never seen an image
    expect(r.perPrototype[3]).toBeNaN();
    expect(r.score).toBeCloseTo((2 / 3 + 0.5) / 2, 12); // NaNs left out
    expect(r.quantiles).toHaveLength(5);
  });

  it('on equal similarities the image seen first stays; enters() says whether an image would be kept', () => {
    const acc = new PartCorrectnessAccumulator(2, 2, definedBy);
    expect(acc.enters(0, -Infinity)).toBe(true); // fewer than k kept
    acc.add(0, 1, true);
    acc.add(0, 1, true);
    expect(acc.enters(0, 1)).toBe(false); // a tie does not displace an earlier image
    acc.add(0, 1, false);
    expect(acc.result().perPrototype[0]).toBe(1);
    expect(acc.enters(0, 1.5)).toBe(true);
    acc.add(0, 1.5, false);
    expect(acc.result().perPrototype[0]).toBe(0.5); // 1.5 (miss) and the first 1 (hit)
  });

  it('a hit is a part inside the box that defines the prototype\'s class; a class nothing defines scores NaN', () => {
    const acc = new PartCorrectnessAccumulator(6, PART_TOP_K, (p) => (p < 4 ? definedBy(p) : undefined));
    expect(acc.isHit(0, new Map([[3, true]]))).toBe(true);
    expect(acc.isHit(0, new Map([[3, false], [1, true]]))).toBe(false); // part 1 is inside but defines the other class
    expect(acc.isHit(2, new Map([[3, true], [5, true]]))).toBe(true);
    expect(acc.isHit(2, new Map())).toBe(false); // background
    expect(acc.isHit(4, new Map([[3, true]]))).toBe(false);
    for (let p = 0; p < 6; p++) acc.add(p, 1, p === 4);
    expect(acc.result().perPrototype.slice(4).every(Number.isNaN)).toBe(true);
    expect(() => new PartCorrectnessAccumulator(1, 0, definedBy)).toThrow(/positive whole number/);
  });
});
