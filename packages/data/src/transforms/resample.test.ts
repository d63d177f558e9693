import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crop, flipX, resample } from './resample.js';
import { warp } from './homography.js';
import { nativeImgops } from '../native/imgops.js';

interface Fixture { pil: string; width: number; height: number; seed: number; cases: Array<{ size: [number, number]; box: [number, number, number, number]; bytes: number[] }> }
const fixture = JSON.parse(fs.readFileSync(new URL('./fixtures/pil_resample.json', import.meta.url), 'utf8')) as Fixture;

/** The fixture's seeded image (Park-Miller, low byte). */
function image(w: number, h: number, seed: number) {
  let s = seed;
  return { data: new Uint8Array(w * h * 3).map(() => (s = (s * 16807) % 2147483647) & 255), w, h };
}

describe('resample', () => {
  const img = image(fixture.width, fixture.height, fixture.seed);
  it('runs the native passes here', () => {
    expect(nativeImgops()).toBe(true);
  });

  it.each(fixture.cases)(`equals PIL ${fixture.pil} Image.resize(BILINEAR) to $size from box $box, byte for byte (native and JS)`, ({ size, box, bytes }) => {
    expect(Array.from(resample(img, size[0], size[1], box).data)).toEqual(bytes);
    expect(Array.from(resample(img, size[0], size[1], box, { native: false }).data)).toEqual(bytes);
  });

  it('crops and flips as the nearest warps through the same matrices do', () => {
    expect(crop(img, 3, 2, 7, 5)).toEqual(warp(img, [1, 0, -3, 0, 1, -2, 0, 0, 1], 7, 5, 'nearest'));
    expect(flipX(img)).toEqual(warp(img, [-1, 0, img.w, 0, 1, 0, 0, 0, 1], img.w, img.h, 'nearest'));
  });

  it('refuses a crop of fractional or outside pixels (its rows would be misaligned)', () => {
    expect(() => crop(img, 2.5, 0, 4, 4)).toThrow(/not a region of whole pixels inside the 23×17 image/);
    expect(() => crop(img, 20, 0, 4, 4)).toThrow(/whole pixels inside/);
  });
});

describe('the native blur and sharpness', () => {
  it('give the bytes of the JavaScript versions', async () => {
    const { gaussianBlur, adjustSharpness } = await import('./augment.js');
    // (tiny images: every tap of the 5-tap blur clamps to the edges)
    for (const img of [image(41, 29, 11), image(1, 3, 5), image(2, 1, 6), image(4, 4, 7)]) {
      for (const sigma of [0.1, 1.3, 5]) expect(gaussianBlur(img, sigma).data).toEqual(gaussianBlur(img, sigma, { native: false }).data);
      for (const f of [1.5, 0.3, 2.7]) expect(adjustSharpness(img, f).data).toEqual(adjustSharpness(img, f, { native: false }).data);
    }
  });

  it('compute a region with the same bytes as the whole image there', async () => {
    const { gaussianBlur, adjustSharpness } = await import('./augment.js');
    const img = image(41, 29, 12);
    // the whole image's bytes inside the region, zeros outside
    const inside = (a: Uint8Array, b: Uint8Array, [x0, y0, x1, y1]: [number, number, number, number]) => {
      const want = b.map((v, j) => {
        const x = Math.floor(j / 3) % img.w, y = Math.floor(j / 3 / img.w);
        return x >= x0 && x < x1 && y >= y0 && y < y1 ? v : 0;
      });
      expect(a).toEqual(want);
    };
    const regions: Array<[number, number, number, number]> = [[0, 0, 41, 29], [5, 3, 30, 20], [0, 0, 1, 1], [40, 28, 41, 29], [1, 0, 2, 29], [39, 5, 41, 7], [10, 10, 10, 20]];
    for (const region of regions) {
      inside(gaussianBlur(img, 1.7, { region }).data, gaussianBlur(img, 1.7, { native: false }).data, region);
      inside(adjustSharpness(img, 1.5, { region }).data, adjustSharpness(img, 1.5, { native: false }).data, region);
      inside(gaussianBlur(img, 1.7, { region, native: false }).data, gaussianBlur(img, 1.7, { native: false }).data, region);
      inside(adjustSharpness(img, 1.5, { region, native: false }).data, adjustSharpness(img, 1.5, { native: false }).data, region);
    }
  });

  it('refuse a region that is not whole pixels inside the image, before any work', async () => {
    const { gaussianBlur, adjustSharpness } = await import('./augment.js');
    const img = image(8, 6, 3);
    expect(() => gaussianBlur(img, 1, { region: [-1, 1, 4, 2] })).toThrow(/gaussianBlur: region \[-1, 1, 4, 2\] is not \[x0, y0, x1, y1\] of whole pixels with 0 ≤ x0 ≤ x1 ≤ 8 and 0 ≤ y0 ≤ y1 ≤ 6/);
    expect(() => adjustSharpness(img, 1.5, { region: [0, 0, 4, 1e7] })).toThrow(/adjustSharpness: region/);
    expect(() => adjustSharpness(img, 1.5, { region: [0, 0, 2.5, 3] })).toThrow(/whole pixels/);
    expect(() => warp(img, [1, 0, 0, 0, 1, 0, 0, 0, 1], 8, 6, 'nearest', 0, [0, 0, 9, 6])).toThrow(/warp: region/);
    expect(() => flipX(img, [3, 0, 2, 6])).toThrow(/flipX: region/);
  });
});
