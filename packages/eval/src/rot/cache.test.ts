import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROT_DEFAULTS } from './rot.js';
import type { RotParams, RotResult } from './rot.js';
import { readRotCache, rotCacheKey, writeRotCache } from './cache.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-rot-cache-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const params = (o: Partial<RotParams> = {}): RotParams => ({ ...ROT_DEFAULTS, method: 'rf', batchSize: 16, numSamples: 2, steps: 5, ...o });
const result = (p: RotParams): RotResult => ({
  params: p, steps: [0, 1], xPct: [0, 100], perPrototype: [[1, 2]], agg: [1, 2], area: 0.5, pctAtOrigSim: 100, images: 2, forwards: 4, seconds: 1,
});

/** The identity and key the cache used before the legacy counting credited the images a batch evaluated. */
function keyBeforeCountingFix(dataset: string, split: string, p: RotParams, modelId: string) {
  const { batchSize, ...rest } = p;
  const identity: Record<string, unknown> = { dataset, split, modelId, ...rest, ...(p.legacyRotCounting ? { batchSize } : {}) };
  const hash = crypto.createHash('sha256').update(JSON.stringify(identity, Object.keys(identity).sort())).digest('hex').slice(0, 10);
  const key = `${dataset}__num_samples-${p.numSamples}__normalized-False__prop_pixels-1__same_class-True__zeros-False__seed-4__method-${p.method}` +
    `__steps-${p.steps ?? 'exact'}${p.legacyRotCounting ? '__legacy_counting' : ''}__${split}__${hash}`;
  return { key, identity };
}

describe('ROT cache', () => {
  it('reads back what it wrote for the same identity only', async () => {
    const p = params();
    const { key, identity } = rotCacheKey('TINY', 'test', p, 'm1');
    expect(readRotCache(dir, key, identity)).toBeUndefined();
    await writeRotCache(dir, key, identity, result(p));
    expect(readRotCache(dir, key, identity)?.area).toBe(0.5);
    expect(readRotCache(dir, key, { ...identity, modelId: 'm2' })).toBeUndefined();
  });

  it('legacy-counting results of the previous counting rule (the loader batch size per batch) are not read; the others still are', async () => {
    for (const legacyRotCounting of [true, false]) {
      const p = params({ legacyRotCounting });
      const old = keyBeforeCountingFix('TINY', 'test', p, 'm1');
      await writeRotCache(dir, old.key, old.identity, result(p));
      const now = rotCacheKey('TINY', 'test', p, 'm1');
      if (legacyRotCounting) {
        expect(now.key).not.toBe(old.key);
        expect(readRotCache(dir, now.key, now.identity)).toBeUndefined();
        expect(now.key).toMatch(/__legacy_counting__test__[0-9a-f]{10}$/);
      } else {
        expect(now).toEqual(old); // the default counting did not change: its cached results stay valid
        expect(readRotCache(dir, now.key, now.identity)?.area).toBe(0.5);
      }
    }
  });

  it('the batch size is part of the identity under the legacy counting only', () => {
    expect(rotCacheKey('TINY', 'test', params({ batchSize: 3 }), 'm').key).toBe(rotCacheKey('TINY', 'test', params({ batchSize: 4 }), 'm').key);
    const legacy = (batchSize: number) => rotCacheKey('TINY', 'test', params({ batchSize, legacyRotCounting: true }), 'm').key;
    expect(legacy(3)).not.toBe(legacy(4));
  });
});
