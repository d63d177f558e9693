import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { evalTransform, mapPoint, normalise } from './eval.js';
import { PRESETS } from './presets.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tf-'));

/** A w×h PNG, black with one white pixel at (px, py). */
async function dot(w: number, h: number, px: number, py: number): Promise<string> {
  const raw = Buffer.alloc(w * h * 3);
  raw.fill(255, (py * w + px) * 3, (py * w + px) * 3 + 3);
  const file = path.join(tmp(), 'dot.png');
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toFile(file);
  return file;
}

describe('evalTransform', () => {
  it('resizes the shorter side, centre-crops and downsamples (CUB200224), tracking the geometry', async () => {
    const file = await dot(600, 400, 300, 200);
    const r = await evalTransform({ id: 1, path: file, label: 0, train: false }, PRESETS['CUB200224']!);
    expect([r.geometry.width, r.geometry.height]).toEqual([224, 224]);
    expect(r.origShape).toEqual([3, 400, 600]);
    // 400 -> 510 (x1.275), width 765; crop 384 at ((765-384)/2 = 190.5 -> 191, 63); then x224/384
    const [x, y] = mapPoint(r.geometry, 300.5, 200.5);
    expect(x).toBeCloseTo(((300.5 * 1.275) - 191) * (224 / 384), 6);
    expect(y).toBeCloseTo(((200.5 * 1.275) - 63) * (224 / 384), 6);
    // the brightest output pixel is where the geometry says the dot went
    let best = -Infinity, at = 0;
    for (let i = 0; i < 224 * 224; i++) if (r.data[i * 3]! > best) { best = r.data[i * 3]!; at = i; }
    expect(Math.abs((at % 224) + 0.5 - x)).toBeLessThanOrEqual(1);
    expect(Math.abs(Math.floor(at / 224) + 0.5 - y)).toBeLessThanOrEqual(1);
  });

  it('crops to the bounding box first (BBOX presets) and normalises per channel', async () => {
    const file = await dot(100, 80, 10, 10);
    const r = await evalTransform({ id: 1, path: file, label: 0, train: false, bbox: [5, 5, 20, 10] }, { ...PRESETS['CUB200BBOX']!, downsample: 40 });
    expect([r.geometry.width, r.geometry.height]).toEqual([40, 40]);
    expect(mapPoint(r.geometry, 5, 5)).toEqual([0, 0]);
    const black = (0 - 0.4862) / 0.2321;
    expect(r.data[0]).toBeCloseTo(black, 5);
  });

  it('names an unreadable file', async () => {
    const file = path.join(tmp(), 'broken.jpg');
    fs.writeFileSync(file, 'not an image');
    await expect(evalTransform({ id: 3, path: file, label: 0, train: false }, PRESETS['CIFAR10']!)).rejects.toThrow(/Cannot (read|decode) image .*broken.jpg/);
  });
});

describe('normalise', () => {
  it('gives the float32 of (v / 255 − mean) / std for every byte value and channel', () => {
    const p = PRESETS.CUB200224;
    const data = new Uint8Array(256 * 3);
    for (let v = 0; v < 256; v++) data.set([v, 255 - v, (v * 7) & 255], v * 3);
    const out = normalise({ data, w: 16, h: 16 }, p);
    for (let i = 0; i < data.length; i++) expect(out[i]).toBe(Math.fround((data[i]! / 255 - p.mean[i % 3]!) / p.std[i % 3]!));
  });
});
