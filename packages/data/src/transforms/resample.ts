/**
 * Resizing as PIL's `Image.resize(size, BILINEAR, box)` does it, which is what torchvision's `Resize` and
 * `RandomResizedCrop` run on PIL images: a triangle filter widened by the scale when shrinking (antialiasing),
 * weights normalised per output pixel, computed once per output column and row, applied in fixed point
 * (22 fraction bits) in two passes — along rows into bytes, then along columns. Much faster than a per-pixel
 * bilinear warp, and without its dark border (taps outside the image are dropped, not blended with black).
 *
 * Coordinates are continuous (pixel `i` spans `[i, i + 1)`): output pixel `x` samples the box at
 * `box.x + (x + 0.5)·box.w/outW`, the same map as the homography `scale(outW/box.w, …)·translate(−box.x, …)`.
 */
import type { Region, Rgb } from './homography.js';
import { checkRegion } from './homography.js';
import { nativeResample } from '../native/imgops.js';
import { giveBytes, takeBytes } from './scratch.js';

const BITS = 22;
const HALF = 1 << (BITS - 1);

/** Per output position: the first source index, the tap count and `taps` fixed-point weights (zero-padded). */
interface Coefficients {
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array;
  taps: number;
}

/** PIL's `precompute_coeffs` for the bilinear filter on one axis: `inSize` pixels, the box `[in0, in1)`. */
function coefficients(inSize: number, in0: number, in1: number, outSize: number): Coefficients {
  const scale = (in1 - in0) / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle's support (1) times the filter scale
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize), count = new Int32Array(outSize), weights = new Int32Array(outSize * taps);
  const ss = 1 / filterScale;
  const k = new Float64Array(taps);
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let total = 0;
    for (let x = 0; x < n; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      k[x] = t < 1 ? 1 - t : 0;
      total += k[x]!;
    }
    first[xx] = xmin;
    count[xx] = Math.max(n, 0);
    for (let x = 0; x < n; x++) {
      const w = total ? k[x]! / total : 0;
      weights[xx * taps + x] = Math.trunc(w < 0 ? -0.5 + w * (1 << BITS) : 0.5 + w * (1 << BITS));
    }
  }
  return { first, count, weights, taps };
}

const clip8 = (acc: number) => {
  const v = acc >> BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

/** The source pixels {@link resample} reads for `box` → `outW × outH` of a `W × H` image: `[x0, y0, x1, y1)`. */
export function resampleSource(W: number, H: number, outW: number, outH: number, box: [number, number, number, number]): Region {
  const span = (c: Coefficients): [number, number] => {
    let a = Infinity, b = -Infinity;
    for (let i = 0; i < c.first.length; i++) if (c.count[i]! > 0) { a = Math.min(a, c.first[i]!); b = Math.max(b, c.first[i]! + c.count[i]!); }
    return a < b ? [a, b] : [0, 0];
  };
  const [x0, x1] = span(coefficients(W, box[0], box[0] + box[2], outW)), [y0, y1] = span(coefficients(H, box[1], box[1] + box[3], outH));
  return [x0, y0, x1, y1];
}

/**
 * Resizes the `box` of `img` (default: all of it) to `outW × outH`: PIL's int32 sums (exact, so the same in any
 * order), in the native module (`native/imgops.c`, SIMD: a pixel's 3 channels as lanes along rows, 16 bytes at a
 * time down columns) where it loads, else in JavaScript with the taps outside and whole rows inside (`native:
 * false` forces that): the same bytes.
 */
export function resample(img: Rgb, outW: number, outH: number, box: [number, number, number, number] = [0, 0, img.w, img.h],
  { native = true }: { native?: boolean } = {}): Rgb {
  const [bx, by, bw, bh] = box;
  const W = img.w, src = img.data;
  const cx = coefficients(img.w, bx, bx + bw, outW);
  const cy = coefficients(img.h, by, by + bh, outH);
  // the source rows the vertical pass reads
  let y0 = img.h, y1 = 0;
  for (let y = 0; y < outH; y++) {
    y0 = Math.min(y0, cy.first[y]!);
    y1 = Math.max(y1, cy.first[y]! + cy.count[y]!);
  }
  const rows = Math.max(0, y1 - y0);
  const fast = native ? nativeResample({ src, W, y0, rows, outW, outH, x: cx, y: cy }) : undefined;
  if (fast) return { data: fast, w: outW, h: outH };
  // horizontal taps tap-major: for tap k, each output column's weight and source offset (clamped: weight 0 there)
  const T = cx.taps;
  const wk = new Int32Array(T * outW), ik = new Int32Array(T * outW);
  for (let k = 0; k < T; k++) {
    for (let xx = 0; xx < outW; xx++) {
      const inside = k < cx.count[xx]!;
      wk[k * outW + xx] = inside ? cx.weights[xx * T + k]! : 0;
      ik[k * outW + xx] = inside ? (cx.first[xx]! + k) * 3 : 0;
    }
  }
  return { data: resampleJs(src, W, y0, rows, outW, outH, T, wk, ik, cy), w: outW, h: outH };
}

/** The two passes in JavaScript (the native module's fallback, the same sums). */
export function resampleJs(src: Uint8Array, W: number, y0: number, rows: number, outW: number, outH: number, T: number,
  wk: Int32Array, ik: Int32Array, cy: Coefficients): Uint8Array {
  const stride = outW * 3;
  const tmp = takeBytes(rows * stride);
  const acc = new Int32Array(stride);
  for (let r = 0; r < rows; r++) {
    const line = (y0 + r) * W * 3;
    acc.fill(HALF);
    for (let k = 0; k < T; k++) {
      const base = k * outW;
      for (let xx = 0, o = 0; xx < outW; xx++, o += 3) {
        const w = wk[base + xx]!, p = line + ik[base + xx]!;
        acc[o] = (acc[o]! + Math.imul(w, src[p]!)) | 0;
        acc[o + 1] = (acc[o + 1]! + Math.imul(w, src[p + 1]!)) | 0;
        acc[o + 2] = (acc[o + 2]! + Math.imul(w, src[p + 2]!)) | 0;
      }
    }
    const t = r * stride;
    for (let i = 0; i < stride; i++) tmp[t + i] = clip8(acc[i]!);
  }
  const out = takeBytes(outH * stride);
  for (let yy = 0; yy < outH; yy++) {
    acc.fill(HALF);
    const n = cy.count[yy]!, wb = yy * cy.taps, first = cy.first[yy]! - y0;
    for (let k = 0; k < n; k++) {
      const w = cy.weights[wb + k]!, row = (first + k) * stride;
      for (let i = 0; i < stride; i++) acc[i] = (acc[i]! + Math.imul(w, tmp[row + i]!)) | 0;
    }
    const o = yy * stride;
    for (let i = 0; i < stride; i++) out[o + i] = clip8(acc[i]!);
  }
  giveBytes(tmp);
  return out;
}

/** The `w × h` region of `img` at `(left, top)` (whole pixels inside the image), copied row by row. */
export function crop(img: Rgb, left: number, top: number, w: number, h: number): Rgb {
  if (![left, top, w, h].every(Number.isInteger) || left < 0 || top < 0 || w < 1 || h < 1 || left + w > img.w || top + h > img.h) {
    throw new Error(`crop: (${left}, ${top}) ${w}×${h} is not a region of whole pixels inside the ${img.w}×${img.h} image`);
  }
  const out = takeBytes(w * h * 3);
  for (let y = 0; y < h; y++) out.set(img.data.subarray(((top + y) * img.w + left) * 3, ((top + y) * img.w + left + w) * 3), y * w * 3);
  return { data: out, w, h };
}

/**
 * `img` mirrored left to right (what a nearest warp through `x → w − x` gives, without the per-pixel lookups);
 * with `region`, only those output pixels (the rest stay 0).
 */
export function flipX(img: Rgb, region: Region = [0, 0, img.w, img.h]): Rgb {
  checkRegion(region, img.w, img.h, 'flipX');
  const out = takeBytes(img.data.length), W = img.w, src = img.data;
  const [x0, y0, x1, y1] = region;
  for (let y = y0; y < y1; y++) {
    const row = y * W * 3;
    for (let x = x0; x < x1; x++) {
      const s = row + (W - 1 - x) * 3, d = row + x * 3;
      out[d] = src[s]!; out[d + 1] = src[s + 1]!; out[d + 2] = src[s + 2]!;
    }
  }
  return { data: out, w: W, h: img.h };
}
