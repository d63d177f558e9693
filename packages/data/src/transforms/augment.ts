/**
 * Training augmentation of spec §5.2, in its order — Gaussian blur (p 0.1), sharpness 1.5 (p 0.1), rotation
 * ±15° (p 1/3, nearest), perspective 0.2 (p 1/3, bilinear), x-shear ±10° (p 1/3, nearest), horizontal flip
 * (p 0.5), then a random resized crop (scale 0.08–1, ratio 3/4–4/3; PIL's bilinear resampling of the box) or a
 * zero-padded random crop — on RGB bytes, with every geometric step composed into one homography so part
 * keypoints are replayed exactly.
 */
import type { H3, Region, Rgb } from './homography.js';
import { checkRegion, compose, fromPoints, identity, scale, translate, warp, warpSource, zeroOutside } from './homography.js';
import { flipX, resample, resampleSource } from './resample.js';
import { nativeConvolve, nativeSharpness } from '../native/imgops.js';
import { giveBytes, takeBytes } from './scratch.js';

/** A seeded uniform [0, 1) source. */
export type Random = () => number;

/** Replicated-edge index tables: for each output position and tap offset `-r..r`, the clamped source position. */
function clampTable(n: number, r: number, mul: number): Int32Array {
  const size = 2 * r + 1, t = new Int32Array(n * size);
  for (let i = 0; i < n; i++) for (let d = -r; d <= r; d++) t[i * size + d + r] = Math.min(n - 1, Math.max(0, i + d)) * mul;
  return t;
}

/**
 * A separable convolution with replicated edges: `k` along rows, then along columns (float64 in between), rounded
 * to bytes. The same sum as the 2-D kernel `k ⊗ k`, in a fifth of the operations for 5 taps.
 */
function convolveSeparable(img: Rgb, k: number[], native: boolean, region: Region): Rgb {
  const size = k.length, r = size >> 1, W = img.w, H = img.h, src = img.data;
  const kk = Float64Array.from(k);
  const fast = native ? nativeConvolve(src, W, H, kk, region) : undefined;
  if (fast) return { data: fast, w: W, h: H };
  // (JavaScript computes every pixel, then keeps the region's: the native bytes)
  const rowPass = new Float64Array(W * H * 3);
  const cols = clampTable(W, r, 3);
  for (let y = 0; y < H; y++) {
    const row = y * W * 3;
    for (let x = 0; x < W; x++) {
      const t = x * size;
      for (let c = 0; c < 3; c++) {
        let acc = 0;
        for (let d = 0; d < size; d++) acc += kk[d]! * src[row + cols[t + d]! + c]!;
        rowPass[row + x * 3 + c] = acc;
      }
    }
  }
  const out = takeBytes(src.length);
  const rows = clampTable(H, r, W * 3);
  for (let y = 0; y < H; y++) {
    const t = y * size, o = y * W * 3;
    for (let i = 0; i < W * 3; i++) {
      let acc = 0;
      for (let d = 0; d < size; d++) acc += kk[d]! * rowPass[rows[t + d]! + i]!;
      out[o + i] = (acc + 0.5) | 0; // a convex blend of bytes: in [0, 255], rounded half up
    }
  }
  zeroOutside(out, W, H, region);
  return { data: out, w: W, h: H };
}

/** Options of {@link gaussianBlur} and {@link adjustSharpness}. */
export interface FilterOptions {
  /** Run in JavaScript (`false`) rather than the native module where it loads: the same bytes. */
  native?: boolean;
  /** The output pixels needed (default: all): only those are computed; the rest are 0. */
  region?: Region;
}

/**
 * 5×5 Gaussian blur with σ (separable: the normalised 1-D Gaussian along rows, then columns). In the native module
 * where it loads.
 */
export function gaussianBlur(img: Rgb, sigma: number, { native = true, region = [0, 0, img.w, img.h] }: FilterOptions = {}): Rgb {
  const g = [-2, -1, 0, 1, 2].map((v) => Math.exp(-(v * v) / (2 * sigma * sigma)));
  const s = g.reduce((a, b) => a + b, 0);
  checkRegion(region, img.w, img.h, 'gaussianBlur');
  return convolveSeparable(img, g.map((v) => v / s), native, region);
}

/**
 * torchvision's `adjust_sharpness`: blend with a 3×3 smoothed image (kernel [[1,1,1],[1,5,1],[1,1,1]] / 13, border
 * pixels kept), factor `f`. The smoothing is an exact integer sum (3×3 box + 4·centre) divided by 13. Native where
 * the module loads.
 */
export function adjustSharpness(img: Rgb, f: number, { native = true, region = [0, 0, img.w, img.h] }: FilterOptions = {}): Rgb {
  checkRegion(region, img.w, img.h, 'adjustSharpness');
  const fast = native ? nativeSharpness(img.data, img.w, img.h, f, region) : undefined;
  if (fast) return { data: fast, w: img.w, h: img.h };
  const W = img.w, H = img.h, src = img.data, out = takeBytes(src.length);
  // column sums of 3 rows, then 3 of them along the row: the 3×3 box sum of every interior pixel
  const colSum = new Int32Array(W * 3);
  for (let y = 0; y < H; y++) {
    const o = y * W * 3;
    const border = y === 0 || y === H - 1;
    if (!border) for (let i = 0; i < W * 3; i++) colSum[i] = src[o - W * 3 + i]! + src[o + i]! + src[o + W * 3 + i]!;
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        const i = o + x * 3 + c, v = src[i]!;
        let d = v;
        if (!border && x !== 0 && x !== W - 1) {
          const j = x * 3 + c;
          d = ((colSum[j - 3]! + colSum[j]! + colSum[j + 3]! + 4 * v) / 13 + 0.5) | 0;
        }
        const b = d + f * (v - d) + 0.5; // rounded half up, clamped (f > 1 extrapolates)
        out[i] = b < 0 ? 0 : b >= 256 ? 255 : b | 0;
      }
    }
  }
  zeroOutside(out, W, H, region);
  return { data: out, w: W, h: H };
}

const about = (m: H3, cx: number, cy: number): H3 => compose(translate(cx, cy), compose(m, translate(-cx, -cy)));

/** Options of {@link augment}. */
export interface AugmentOptions {
  /** Output size of the final crop (none: keep the size). */
  crop?: number;
  /** Zero padding of a plain random crop instead of a random resized crop (CIFAR: 4). */
  cropPadding?: number;
  /**
   * Compute each step only where later steps read it (default true): the random resized crop keeps about half
   * of the image, so the warps before it skip the rest. The same bytes as `false` (computing everything).
   */
  regions?: boolean;
}

/** One step of the augmentation, its random parameters drawn. */
interface Step {
  /** The source pixels the step reads to produce `need` of its output. */
  source(need: Region): Region;
  /** Runs the step; only `need` of its output has to be right. */
  run(img: Rgb, need: Region): Rgb;
}

const grow = (r: Region, d: number, w: number, h: number): Region =>
  [Math.max(0, r[0] - d), Math.max(0, r[1] - d), Math.min(w, r[2] + d), Math.min(h, r[3] + d)];

/** Augments `img`; returns the new image and the homography from input to output coordinates. */
export function augment(img: Rgb, rand: Random, o: AugmentOptions = {}): { image: Rgb; transform: H3 } {
  // first every random draw, in the order of the steps (the sizes do not change before the crop) ...
  const W = img.w, Hh = img.h;
  const steps: Step[] = [];
  let H = identity(), outW = W, outH = Hh;
  const u = (a: number, b: number) => a + (b - a) * rand();
  const geo = (m: H3, interp: 'nearest' | 'bilinear', w = W, h = Hh) => {
    const [inW, inH] = [outW, outH];
    steps.push({ source: (need) => warpSource(m, need, inW, inH, interp), run: (cur, need) => warp(cur, m, w, h, interp, 0, need) });
    H = compose(m, H);
    [outW, outH] = [w, h];
  };
  if (rand() < 0.1) {
    const sigma = u(0.1, 5);
    steps.push({ source: (need) => grow(need, 2, W, Hh), run: (cur, need) => gaussianBlur(cur, sigma, { region: need }) });
  }
  if (rand() < 0.1) steps.push({ source: (need) => grow(need, 1, W, Hh), run: (cur, need) => adjustSharpness(cur, 1.5, { region: need }) });
  const [cx, cy] = [W / 2, Hh / 2];
  if (rand() < 1 / 3) {
    const a = (u(-15, 15) * Math.PI) / 180; // counter-clockwise on screen, as torchvision
    geo(about([Math.cos(a), Math.sin(a), 0, -Math.sin(a), Math.cos(a), 0, 0, 0, 1], cx, cy), 'nearest');
  }
  if (rand() < 1 / 3) {
    const [w, h] = [W, Hh], d = 0.2, hw = Math.floor(w / 2), hh = Math.floor(h / 2);
    const ri = (n: number) => Math.floor(rand() * (n + 1));
    const src: Array<[number, number]> = [[0, 0], [w, 0], [w, h], [0, h]];
    const dst: Array<[number, number]> = [[ri(d * hw), ri(d * hh)], [w - ri(d * hw), ri(d * hh)], [w - ri(d * hw), h - ri(d * hh)], [ri(d * hw), h - ri(d * hh)]];
    geo(fromPoints(src, dst), 'bilinear');
  }
  if (rand() < 1 / 3) {
    const s = Math.tan((u(-10, 10) * Math.PI) / 180);
    geo(about([1, -s, 0, 0, 1, 0, 0, 0, 1], cx, cy), 'nearest');
  }
  if (rand() < 0.5) {
    // (the nearest warp through this matrix, without per-pixel lookups)
    steps.push({ source: ([x0, y0, x1, y1]) => [W - x1, y0, W - x0, y1], run: (cur, need) => flipX(cur, need) });
    H = compose([-1, 0, W, 0, 1, 0, 0, 0, 1], H);
  }
  if (o.crop) {
    const c = o.crop;
    if (o.cropPadding !== undefined) {
      const p = o.cropPadding;
      const left = Math.floor(rand() * (W + 2 * p - c + 1)) - p, top = Math.floor(rand() * (Hh + 2 * p - c + 1)) - p;
      geo(translate(-left, -top), 'nearest', c, c);
    } else {
      const area = W * Hh;
      let box: [number, number, number, number] | undefined;
      for (let t = 0; t < 10 && !box; t++) {
        const target = area * u(0.08, 1), ratio = Math.exp(u(Math.log(3 / 4), Math.log(4 / 3)));
        const w = Math.round(Math.sqrt(target * ratio)), h = Math.round(Math.sqrt(target / ratio));
        if (w > 0 && h > 0 && w <= W && h <= Hh) box = [Math.floor(rand() * (W - w + 1)), Math.floor(rand() * (Hh - h + 1)), w, h];
      }
      const b = box ?? [0, 0, W, Hh];
      // torchvision crops, then resizes with PIL's bilinear filter (antialiased when shrinking)
      steps.push({ source: () => resampleSource(W, Hh, c, c, b), run: (cur) => resample(cur, c, c, b) });
      H = compose(compose(scale(c / b[2], c / b[3]), translate(-b[0], -b[1])), H);
      [outW, outH] = [c, c];
    }
  }
  // ... then the regions each step must produce, from the last step back (all of it, without `regions`: the size
  // of every step's output but the crop's is the input's), and the steps
  const needs: Region[] = new Array(steps.length);
  let need: Region = [0, 0, outW, outH];
  for (let i = steps.length - 1; i >= 0; i--) {
    needs[i] = need;
    need = o.regions === false ? [0, 0, W, Hh] : steps[i]!.source(need);
  }
  let cur = img;
  steps.forEach((st, i) => {
    const next = st.run(cur, needs[i]!);
    if (cur !== img) giveBytes(cur.data); // an intermediate only this loop holds
    cur = next;
  });
  return { image: cur, transform: H };
}
