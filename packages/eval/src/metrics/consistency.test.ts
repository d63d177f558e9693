import { describe, expect, it } from 'vitest';
import type { MappedPart } from '@pixpnet/data';
import { boxAround, defaultBoxRadius, overlaps, partsInBox } from './boxes.js';
import { ConsistencyAccumulator, StabilityAccumulator } from './consistency.js';

const part = (partId: number, x: number, y: number): MappedPart => ({ partId, box: [x, y, x + 1, y + 1] });
const hits = (entries: Array<[number, boolean]>) => new Map(entries);

describe('prototype boxes (spec §6.2)', () => {
  it('the radius scales 36 px at 224 to the input size', () => {
    expect(defaultBoxRadius(224)).toBe(36);
    expect(defaultBoxRadius(64)).toBe(10);
    expect(defaultBoxRadius(448)).toBe(72);
  });
  it('clamps lower edges at 0 only', () => {
    expect(boxAround([5, 50], 10)).toEqual([0, 40, 15, 60]);
    expect(boxAround([60, 60], 10)).toEqual([50, 50, 70, 70]);
  });
  it('a part is in a box when the 1-pixel boxes overlap with positive area (IoU > 0)', () => {
    const box = boxAround([10, 10], 5); // [5, 5, 15, 15]
    expect(overlaps(part(0, 5, 5).box, box)).toBe(true);
    expect(overlaps(part(0, 14.5, 10).box, box)).toBe(true);
    expect(overlaps(part(0, 15, 10).box, box)).toBe(false); // touches the edge only
    expect(overlaps(part(0, 4, 10).box, box)).toBe(false);
    expect(overlaps(part(0, 4.2, 10).box, box)).toBe(true);
  });
  it('repeated parts (left and right eye) are OR-ed', () => {
    const m = partsInBox([part(3, 0, 0), part(3, 10, 10), part(4, 30, 30)], [5, 5, 15, 15]);
    expect([...m]).toEqual([[3, true], [4, false]]);
  });
});

describe('consistency (spec §6.3)', () => {
  it('the best part per prototype over the images of its class; soft = NaN-mean, hard = share of all prototypes ≥ 0.8', () => {
    const c = new ConsistencyAccumulator(3);
    // prototype 0: part 1 in the box on 4 of 5 images (0.8), part 2 on 1 of 5
    for (let i = 0; i < 5; i++) c.add(0, hits([[1, i < 4], [2, i === 0]]));
    // prototype 1: part 1 on 1 of 2 images where visible, part 2 on its only visible image (1.0)
    c.add(1, hits([[1, true]]));
    c.add(1, hits([[1, false], [2, true]]));
    // prototype 2: never evaluated → NaN, not consistent
    const r = c.result();
    expect(r.perPrototype.soft.slice(0, 2)).toEqual([0.8, 1]);
    expect(Number.isNaN(r.perPrototype.soft[2]!)).toBe(true);
    expect(r.soft).toBeCloseTo(0.9, 12);
    expect(r.hard).toBeCloseTo(2 / 3, 12);
    r.quantiles.soft.forEach((q, i) => expect(q).toBeCloseTo([0.8, 0.85, 0.9, 0.95, 1][i]!, 12));
  });
});

describe('consistency: a part never visible on the images of a prototype\'s class', () => {
  // parts 0, 1, 2 (the dataset's annotations number them 0…2); prototype 0 sees all three on its class's 5 images,
  // prototype 1 (another class) never sees part 2, prototype 2 is never evaluated
  const feed = (c: ConsistencyAccumulator) => {
    for (let i = 0; i < 5; i++) c.add(0, hits([[0, i < 4], [1, false], [2, i === 0]]));
    for (let i = 0; i < 5; i++) c.add(1, hits([[0, true], [1, i < 2]]));
    return c.result();
  };
  it('is left out of the prototype\'s best part by default', () => {
    const r = feed(new ConsistencyAccumulator(3));
    expect(r.perPrototype.soft.slice(0, 2)).toEqual([0.8, 1]);
    expect(r.soft).toBeCloseTo(0.9, 12);
    expect(r.hard).toBeCloseTo(2 / 3, 12);
  });
  it('makes the prototype NaN with the legacy flag (0/0 for that part, and the max propagates NaN): soft skips it, hard counts it as not consistent', () => {
    const r = feed(new ConsistencyAccumulator(3, { legacyMissingPartNan: true, numParts: 3 }));
    expect(r.perPrototype.soft[0]).toBe(0.8);
    expect(Number.isNaN(r.perPrototype.soft[1]!)).toBe(true); // 1.0 by default
    expect(Number.isNaN(r.perPrototype.soft[2]!)).toBe(true);
    expect(r.soft).toBe(0.8); // the NaN-mean over prototype 0 alone
    expect(r.hard).toBeCloseTo(1 / 3, 12); // prototype 0 of all 3 prototypes
    expect(r.quantiles.soft).toEqual([0.8, 0.8, 0.8, 0.8, 0.8]); // NaNs left out
    // a fourth part id annotated somewhere (never visible here): every prototype is NaN, soft is NaN, hard 0
    const none = feed(new ConsistencyAccumulator(3, { legacyMissingPartNan: true, numParts: 4 }));
    expect(none.perPrototype.soft.every(Number.isNaN)).toBe(true);
    expect(none.soft).toBeNaN();
    expect(none.hard).toBe(0);
  });
  it('the legacy flag needs the number of part ids', () => {
    expect(() => new ConsistencyAccumulator(3, { legacyMissingPartNan: true })).toThrow(/numParts/);
  });
});

describe('stability (spec §6.4)', () => {
  it('hard: unchanged part vectors; soft: mean Jaccard index', () => {
    const s = new StabilityAccumulator(2);
    s.add(0, hits([[1, true], [2, false]]), hits([[1, true], [2, false]])); // same, J = 1
    s.add(0, hits([[1, true], [2, true]]), hits([[1, true], [2, false]])); // changed, J = 1/2
    s.add(1, hits([[1, false]]), hits([[1, true]])); // changed, J = 0
    const r = s.result();
    expect(r.perPrototype.hard).toEqual([0.5, 0]);
    expect(r.perPrototype.soft).toEqual([0.75, 0]);
    expect(r.hard).toBe(0.25);
    expect(r.soft).toBe(0.375);
  });
  it('two empty part sets are identical (Jaccard 1) by default; the legacy flag reproduces the NaN that poisons the prototype', () => {
    const feed = (s: StabilityAccumulator) => {
      s.add(0, hits([[1, true]]), hits([[1, true]]));
      s.add(0, hits([[1, false]]), hits([[1, false]])); // empty clean and noisy
      s.add(1, hits([[1, true]]), hits([[1, false]]));
      return s.result();
    };
    const fixed = feed(new StabilityAccumulator(2));
    expect(fixed.perPrototype.soft).toEqual([1, 0]);
    expect(fixed.soft).toBe(0.5);
    const legacy = feed(new StabilityAccumulator(2, { legacySoftStability: true }));
    expect(Number.isNaN(legacy.perPrototype.soft[0]!)).toBe(true);
    expect(legacy.soft).toBe(0); // the NaN-mean now skips prototype 0 for good
    expect(legacy.hard).toBe(fixed.hard); // hard stability counts both-empty as unchanged either way
    expect(fixed.hard).toBe(0.5);
  });
});
