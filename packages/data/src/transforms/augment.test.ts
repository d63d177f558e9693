import { describe, expect, it } from 'vitest';
import { augment, adjustSharpness, gaussianBlur } from './augment.js';
import { apply } from './homography.js';
import type { Rgb } from './homography.js';
import { Rng } from '@pixpnet/engine';

const rng = (seed: number) => {
  const r = new Rng(seed);
  return () => r.next();
};

/** A black image with a white 2×2 square at (px, py). */
function square(w: number, h: number, px: number, py: number): Rgb {
  const data = new Uint8Array(w * h * 3);
  for (let y = py; y < py + 2; y++) for (let x = px; x < px + 2; x++) data.fill(255, (y * w + x) * 3, (y * w + x) * 3 + 3);
  return { data, w, h };
}

describe('augment', () => {
  it('replays keypoints through every geometric step exactly (the square lands where the homography says)', () => {
    let checked = 0;
    for (let seed = 0; seed < 40; seed++) {
      const img = square(48, 40, 20, 18);
      const { image, transform } = augment(img, rng(seed), { crop: 32 });
      expect([image.w, image.h]).toEqual([32, 32]);
      const [x, y] = apply(transform, 21, 19); // the square's centre
      if (x < 2 || y < 2 || x > 30 || y > 30) continue; // cropped away
      let best = -1, bx = 0, by = 0;
      for (let yy = 0; yy < 32; yy++) for (let xx = 0; xx < 32; xx++) {
        const v = image.data[(yy * 32 + xx) * 3]!;
        if (v > best) { best = v; bx = xx + 0.5; by = yy + 0.5; }
      }
      if (best < 60) continue; // shrunk below a visible pixel by a small crop scale
      expect(Math.hypot(bx - x, by - y)).toBeLessThan(3);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('is deterministic for a seed, and pads plain random crops with zeros', () => {
    const img = square(32, 32, 4, 4);
    const a = augment(img, rng(5), { crop: 32, cropPadding: 4 }), b = augment(img, rng(5), { crop: 32, cropPadding: 4 });
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect([a.image.w, a.image.h]).toEqual([32, 32]);
  });

  it('blurs and sharpens like torchvision (flat images stay flat, borders kept by sharpness)', () => {
    const flat: Rgb = { data: new Uint8Array(8 * 8 * 3).fill(100), w: 8, h: 8 };
    expect(Array.from(gaussianBlur(flat, 2).data.slice(0, 6))).toEqual([100, 100, 100, 100, 100, 100]);
    const dotted = square(8, 8, 3, 3);
    const sharp = adjustSharpness(dotted, 1.5);
    expect(sharp.data[0]).toBe(0);
    expect(sharp.data[(3 * 8 + 3) * 3]).toBe(255);
  });
});

describe('augment regions', () => {
  /** A textured w×h image (every byte different from its neighbours). */
  const texture = (w: number, h: number): Rgb => {
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    return { data, w, h };
  };

  it('gives the same bytes computing only what the crop reads as computing everything', () => {
    const img = texture(68, 51);
    for (let seed = 0; seed < 300; seed++) {
      const a = augment(img, rng(seed), { crop: 38 }), b = augment(img, rng(seed), { crop: 38, regions: false });
      expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data)), `seed ${seed}`).toBe(true);
      expect(a.transform).toEqual(b.transform);
    }
    for (let seed = 0; seed < 50; seed++) {
      const a = augment(img, rng(seed), { crop: 48, cropPadding: 4 }), b = augment(img, rng(seed), { crop: 48, cropPadding: 4, regions: false });
      expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data)), `padded seed ${seed}`).toBe(true);
    }
  });
});
