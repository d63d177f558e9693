import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSynthDataset } from './synth/write.js';
import { readCub } from './datasets/cub.js';
import { checkImages, describeUnreadable } from './check.js';
import type { TransformPreset } from './transforms/presets.js';

const preset: TransformPreset = { crop: 32, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
let dir = '';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
  await writeSynthDataset({ out: dir, classes: 2, perClass: 4, size: 32, seed: 1 });
});

describe('checkImages', () => {
  it('finds missing and empty files among those to exist, and corrupt ones among those to decode, in position order', async () => {
    const samples = readCub(dir).samples.map((s) => ({ ...s }));
    const good = fs.readFileSync(samples[3]!.path);
    fs.rmSync(samples[1]!.path);
    fs.writeFileSync(samples[2]!.path, '');
    fs.writeFileSync(samples[3]!.path, good.subarray(0, 60)); // truncated PNG
    fs.writeFileSync(samples[5]!.path, 'not an image');
    const progress: number[] = [];
    const bad = await checkImages(samples, { exist: [0, 1, 2, 3, 4, 5, 1], decode: [0, 3, 4], preset, onProgress: (d) => progress.push(d) });
    expect(bad.map((b) => [b.index, b.reason.split(':')[0]])).toEqual([[1, 'missing'], [2, 'empty file'], [3, expect.any(String)]]);
    expect(bad[2]!.file).toBe(samples[3]!.path);
    expect(progress).toEqual([1, 2, 3]); // 5 is not decoded: only asked to exist
    expect(describeUnreadable(bad, 2).split('\n')).toEqual([`  ${samples[1]!.path}: missing`, `  ${samples[2]!.path}: empty file`, '  … and 1 more']);
    expect(await checkImages(samples, { exist: [0, 4, 6, 7], decode: [0, 4, 6, 7], preset })).toEqual([]);
  });
});
