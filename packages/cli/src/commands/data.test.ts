import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import sharp from 'sharp';
import { readCub } from '@pixpnet/data';
import { runMain as run } from '../main.testkit.js';

afterEach(() => vi.restoreAllMocks());

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cli-synth-layout-'));

describe('pixpnet data synth --layout', () => {
  it('scattered writes 128 px images unless --size is given', async () => {
    const out = tmp();
    const r = await run('data', 'synth', '--out', out, '--layout', 'scattered', '--classes', '2', '--per-class', '1', '--seed', '3');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/Wrote 2 images \(2 classes, 128px, scattered\)/);
    const ds = readCub(r.out.trim());
    expect((await sharp(ds.samples[0]!.path).metadata()).width).toBe(128);
    expect(fs.readFileSync(path.join(r.out.trim(), 'README.txt'), 'utf8')).toMatch(/scattered layout/);
    const small = await run('data', 'synth', '--out', tmp(), '--layout', 'scattered', '--classes', '1', '--per-class', '1', '--size', '80');
    expect(small.err).toMatch(/Wrote 1 images \(1 classes, 80px, scattered\)/);
    const centred = await run('data', 'synth', '--out', tmp(), '--classes', '1', '--per-class', '1');
    expect(centred.err).toMatch(/1 classes, 64px\)/);
  });

  it('refuses an unknown layout, a size too small for the layout and more than 200 classes, before any work', async () => {
    const out = path.join(tmp(), 'never');
    const layout = await run('data', 'synth', '--out', out, '--layout', 'diagonal');
    expect(layout.code).not.toBe(0);
    expect(layout.err).toMatch(/option '--layout <kind>' argument 'diagonal' is invalid\. Allowed choices are centred, scattered/);
    const size = await run('data', 'synth', '--out', out, '--layout', 'scattered', '--size', '32');
    expect(size.code).not.toBe(0);
    expect(size.err).toMatch(/--size 32 is too small for --layout scattered, whose smallest birds are 0\.4 of the image: give --size 64 or more \(default 128\), or --layout centred/);
    const classes = await run('data', 'synth', '--out', out, '--classes', '201');
    expect(classes.err).toMatch(/--classes must be a whole number from 1 to 200, got '201'/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('--help describes the layouts and the size defaults', async () => {
    const { out } = await run('data', 'synth', '--help');
    expect(out).toMatch(/--layout <kind>/);
    expect(out).toMatch(/scattered/);
    expect(out).toMatch(/default 64, with --layout scattered 128/);
  });
});
