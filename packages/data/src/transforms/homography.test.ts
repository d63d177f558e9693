import { describe, expect, it } from 'vitest';
import { compose, fromPoints, invert, translate, warp, warpSource } from './homography.js';
import type { H3, Region, Rgb } from './homography.js';

/** The warp written plainly: every output pixel centre mapped back through the inverse, floor, blend. */
function reference(img: Rgb, m: H3, outW: number, outH: number, interp: 'nearest' | 'bilinear'): Uint8Array {
  const [i0, i1, i2, i3, i4, i5, i6, i7, i8] = invert(m) as [number, number, number, number, number, number, number, number, number];
  const out = new Uint8Array(outW * outH * 3), src = img.data, W = img.w, H = img.h;
  const at = (x: number, y: number, c: number) => (x >= 0 && y >= 0 && x < W && y < H ? src[(y * W + x) * 3 + c]! : 0);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const X = x + 0.5, Y = y + 0.5, w = i6 * X + i7 * Y + i8;
      const sx = (i0 * X + i1 * Y + i2) / w, sy = (i3 * X + i4 * Y + i5) / w;
      for (let c = 0; c < 3; c++) {
        if (interp === 'nearest') {
          const ix = Math.floor(sx), iy = Math.floor(sy);
          if (ix >= 0 && iy >= 0 && ix < W && iy < H) out[(y * outW + x) * 3 + c] = src[(iy * W + ix) * 3 + c]!;
          continue;
        }
        const fx = sx - 0.5, fy = sy - 0.5, x0 = Math.floor(fx), y0 = Math.floor(fy), ax = fx - x0, ay = fy - y0;
        if (!(x0 >= -1 && y0 >= -1 && x0 < W && y0 < H)) continue;
        const v = (1 - ay) * ((1 - ax) * at(x0, y0, c) + ax * at(x0 + 1, y0, c)) + ay * ((1 - ax) * at(x0, y0 + 1, c) + ax * at(x0 + 1, y0 + 1, c));
        out[(y * outW + x) * 3 + c] = x0 >= 0 && y0 >= 0 && x0 + 1 < W && y0 + 1 < H ? (v + 0.5) | 0 : Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}

describe('warp', () => {
  const W = 37, H = 23;
  const img: Rgb = { data: new Uint8Array(W * H * 3).map((_, i) => (i * 2654435761) >>> 24), w: W, h: H };
  let s = 11;
  const r = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const about = (m: H3) => compose(translate(W / 2, H / 2), compose(m, translate(-W / 2, -H / 2)));
  const transforms = (): H3[] => {
    const a = (r() - 0.5) * 0.6, c = Math.cos(a), sn = Math.sin(a);
    const q = () => Math.floor(r() * 6);
    return [
      about([c, sn, 0, -sn, c, 0, 0, 0, 1]), // rotation
      about([1, Math.tan((r() - 0.5) * 0.4), 0, 0, 1, 0, 0, 0, 1]), // shear
      fromPoints([[0, 0], [W, 0], [W, H], [0, H]], [[q(), q()], [W - q(), q()], [W - q(), H - q()], [q(), H - q()]]), // perspective
      translate(Math.round((r() - 0.5) * 10), Math.round((r() - 0.5) * 10)), // a padded crop's shift
    ];
  };

  it('gives the bytes of the plain per-pixel formula (nearest and bilinear, affine and projective)', () => {
    let same = 0;
    for (let t = 0; t < 60; t++) {
      for (const m of transforms()) {
        for (const interp of ['nearest', 'bilinear'] as const) same += +Buffer.from(warp(img, m, W, H, interp).data).equals(reference(img, m, W, H, interp));
      }
    }
    expect(same).toBe(60 * 4 * 2);
  });

  it('warpSource covers every source pixel a region of the output reads', () => {
    for (let t = 0; t < 30; t++) {
      for (const m of transforms()) {
        for (const interp of ['nearest', 'bilinear'] as const) {
          const x0 = Math.floor(r() * W), y0 = Math.floor(r() * H);
          const need: Region = [x0, y0, x0 + 1 + Math.floor(r() * (W - x0)), y0 + 1 + Math.floor(r() * (H - y0))];
          const [a, b, c, d] = warpSource(m, need, W, H, interp);
          // the source with everything outside the claimed region blanked gives the same bytes inside `need`
          const blanked: Rgb = { ...img, data: img.data.map((v, i) => { const p = Math.floor(i / 3), x = p % W, y = Math.floor(p / W); return x >= a && x < c && y >= b && y < d ? v : 255 - v; }) };
          const full = warp(img, m, W, H, interp).data, part = warp(blanked, m, W, H, interp, 0, need).data;
          for (let y = need[1]; y < need[3]; y++) for (let x = need[0]; x < need[2]; x++) {
            for (let ch = 0; ch < 3; ch++) if (part[(y * W + x) * 3 + ch] !== full[(y * W + x) * 3 + ch]) expect.fail(`pixel (${x}, ${y}) read outside the source region`);
          }
        }
      }
    }
  });
});
