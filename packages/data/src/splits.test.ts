import { describe, expect, it } from 'vitest';
import { makeSplits } from './splits.js';
import type { Sample } from './datasets/types.js';

const samples: Sample[] = Array.from({ length: 30 }, (_, i) => ({ id: i, path: `${i}.png`, label: i % 3, train: i < 20 }));

describe('makeSplits', () => {
  it('holds out round(n·valSize) training images by seed, repeats training by the augment factor', () => {
    const s = makeSplits(samples, { valSize: 0.1, seed: 1, augmentFactor: 2.5 });
    expect(s.val).toHaveLength(2);
    expect(s.test).toEqual([...Array(10).keys()].map((i) => i + 20));
    expect(s.trainUnaugmented).toHaveLength(18);
    expect(s.train).toHaveLength(45);
    expect(s.train.slice(18, 21)).toEqual(s.trainUnaugmented.slice(0, 3)); // item i is image i mod n
    expect(s.val.some((i) => s.trainUnaugmented.includes(i))).toBe(false);
    expect(makeSplits(samples, { valSize: 0.1, seed: 1 }).val).toEqual(s.val);
    expect(makeSplits(samples, { valSize: 0.1, seed: 2 }).val).not.toEqual(s.val);
    expect(s.valAugmented).toBe(false);
    expect(makeSplits(samples, { legacyValAugment: true }).valAugmented).toBe(true);
    expect(makeSplits(samples, { valSize: 0 }).val).toEqual([]);
    expect(() => makeSplits(samples, { valSize: 1.5 })).toThrow(/valSize must be in \[0, 1\)/);
  });
});
