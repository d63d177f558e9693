import { describe, expect, it } from 'vitest';
import { mapParts } from './parts.js';
import { PRESETS } from './presets.js';
import type { Geometry } from './eval.js';

describe('mapParts (spec §6.1)', () => {
  // a 500×333 image under CUB200224: shorter side → 510 (×1.5315, 766 wide), centre crop 384 at x 191, then 224
  const s = 510 / 333;
  const geometry: Geometry = { sx: s * (224 / 384), sy: s * (224 / 384), tx: -191 * (224 / 384), ty: -63 * (224 / 384), width: 224, height: 224 };
  const parts = [125, 375, 62, 438].map((x, i) => ({ partId: i, partIdOrig: i, x, y: 166, visible: true }));

  it('replays the real transform: the crop covers x ∈ [125, 375] of the original', () => {
    const r = mapParts(parts, { geometry });
    expect(r.parts.map((p) => p.partId)).toEqual([0, 1]);
    expect(r.dropped).toBe(2);
    expect(r.parts[0]!.box[0]).toBeCloseTo((125.5 * s - 191) * (224 / 384) - 0.5, 6);
  });

  it('legacyPartMapping reproduces the reference\'s square stretch: it believes x ∈ [62, 438]', () => {
    const r = mapParts(parts, { legacyPartMapping: { preset: PRESETS['CUB200224']!, origHW: [333, 500] } });
    expect(r.parts.map((p) => p.partId)).toEqual([0, 1, 2, 3]);
    expect(r.parts[2]!.box[0]).toBeCloseTo((62 * (510 / 500) - 63) * (224 / 384), 6);
  });

  it('with the original size, returns visible parts annotated outside the image instead of mapping them', () => {
    const bad = { partId: 5, partIdOrig: 5, x: 500, y: 10, visible: true, source: 'part_locs.txt:9' };
    const r = mapParts([...parts, bad, { ...bad, visible: false }], { geometry, origHW: [333, 500] });
    expect(r.outside).toEqual([bad]);
    expect(r.parts.map((p) => p.partId)).toEqual([0, 1]);
    expect(r.dropped).toBe(2);
    expect(mapParts([bad], { geometry }).outside).toEqual([]); // no size given: mapped (and dropped) as before
  });

  it('skips invisible parts and needs a geometry', () => {
    expect(mapParts([{ partId: 0, partIdOrig: 0, x: 1, y: 1, visible: false }], { geometry }).parts).toEqual([]);
    expect(() => mapParts(parts, {})).toThrow(/give the image geometry/);
  });
});
