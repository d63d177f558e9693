/**
 * Training augmentation of spec §5.2, in its order — Gaussian blur (p 0.1), sharpness 1.5 (p 0.1), rotation
 * ±15° (p 1/3, nearest), perspective 0.2 (p 1/3, bilinear), x-shear ±10° (p 1/3, nearest), horizontal flip
 * (p 0.5), then a random resized crop (scale 0.08–1, ratio 3/4–4/3) or a zero-padded random crop — on RGB bytes,
 * with every geometric step composed into one homography so part keypoints are replayed exactly.
 */
import type { H3, Rgb } from './homography.js';
import { compose, fromPoints, identity, scale, translate, warp } from './homography.js';

/** A seeded uniform [0, 1) source. */
export type Random = () => number;

function convolve(img: Rgb, k: number[], size: number): Rgb {
  const r = size >> 1, out = new Uint8Array(img.data.length), src = img.data, W = img.w, H = img.h;
  const kk = Float64Array.from(k);
  // replicated edges: the clamped row and column of every tap, once
  const rows = new Int32Array(H * size), cols = new Int32Array(W * size);
  for (let y = 0; y < H; y++) for (let d = -r; d <= r; d++) rows[y * size + d + r] = Math.min(H - 1, Math.max(0, y + d)) * W * 3;
  for (let x = 0; x < W; x++) for (let d = -r; d <= r; d++) cols[x * size + d + r] = Math.min(W - 1, Math.max(0, x + d)) * 3;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) {
    let acc = 0; // taps summed in the same order as ever (rows, then columns): the same bytes
    for (let dy = 0; dy < size; dy++) {
      const row = rows[y * size + dy]! + c;
      for (let dx = 0; dx < size; dx++) acc += kk[dy * size + dx]! * src[row + cols[x * size + dx]!]!;
    }
    out[(y * W + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(acc)));
  }
  return { data: out, w: W, h: H };
}

/** 5×5 Gaussian blur with σ. */
export function gaussianBlur(img: Rgb, sigma: number): Rgb {
  const g = [-2, -1, 0, 1, 2].map((v) => Math.exp(-(v * v) / (2 * sigma * sigma)));
  const s = g.reduce((a, b) => a + b, 0);
  const k: number[] = [];
  for (const a of g) for (const b of g) k.push((a * b) / (s * s));
  return convolve(img, k, 5);
}

/** torchvision's `adjust_sharpness`: blend with a 3×3 smoothed image (border pixels kept), factor `f`. */
export function adjustSharpness(img: Rgb, f: number): Rgb {
  const smooth = convolve(img, [1, 1, 1, 1, 5, 1, 1, 1, 1].map((v) => v / 13), 3);
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < img.h; y++) for (let x = 0; x < img.w; x++) for (let c = 0; c < 3; c++) {
    const i = (y * img.w + x) * 3 + c;
    const border = x === 0 || y === 0 || x === img.w - 1 || y === img.h - 1;
    const d = border ? img.data[i]! : smooth.data[i]!;
    out[i] = Math.max(0, Math.min(255, Math.round(d + f * (img.data[i]! - d))));
  }
  return { data: out, w: img.w, h: img.h };
}

const about = (m: H3, cx: number, cy: number): H3 => compose(translate(cx, cy), compose(m, translate(-cx, -cy)));

/** Options of {@link augment}. */
export interface AugmentOptions {
  /** Output size of the final crop (none: keep the size). */
  crop?: number;
  /** Zero padding of a plain random crop instead of a random resized crop (CIFAR: 4). */
  cropPadding?: number;
}

/** Augments `img`; returns the new image and the homography from input to output coordinates. */
export function augment(img: Rgb, rand: Random, o: AugmentOptions = {}): { image: Rgb; transform: H3 } {
  let cur = img;
  let H = identity();
  const u = (a: number, b: number) => a + (b - a) * rand();
  const geo = (m: H3, interp: 'nearest' | 'bilinear', w = cur.w, h = cur.h) => {
    cur = warp(cur, m, w, h, interp, 0);
    H = compose(m, H);
  };
  if (rand() < 0.1) cur = gaussianBlur(cur, u(0.1, 5));
  if (rand() < 0.1) cur = adjustSharpness(cur, 1.5);
  const [cx, cy] = [cur.w / 2, cur.h / 2];
  if (rand() < 1 / 3) {
    const a = (u(-15, 15) * Math.PI) / 180; // counter-clockwise on screen, as torchvision
    geo(about([Math.cos(a), Math.sin(a), 0, -Math.sin(a), Math.cos(a), 0, 0, 0, 1], cx, cy), 'nearest');
  }
  if (rand() < 1 / 3) {
    const [w, h] = [cur.w, cur.h], d = 0.2, hw = Math.floor(w / 2), hh = Math.floor(h / 2);
    const ri = (n: number) => Math.floor(rand() * (n + 1));
    const src: Array<[number, number]> = [[0, 0], [w, 0], [w, h], [0, h]];
    const dst: Array<[number, number]> = [[ri(d * hw), ri(d * hh)], [w - ri(d * hw), ri(d * hh)], [w - ri(d * hw), h - ri(d * hh)], [ri(d * hw), h - ri(d * hh)]];
    geo(fromPoints(src, dst), 'bilinear');
  }
  if (rand() < 1 / 3) {
    const s = Math.tan((u(-10, 10) * Math.PI) / 180);
    geo(about([1, -s, 0, 0, 1, 0, 0, 0, 1], cx, cy), 'nearest');
  }
  if (rand() < 0.5) geo([-1, 0, cur.w, 0, 1, 0, 0, 0, 1], 'nearest');
  if (o.crop) {
    if (o.cropPadding !== undefined) {
      const p = o.cropPadding;
      const left = Math.floor(rand() * (cur.w + 2 * p - o.crop + 1)) - p, top = Math.floor(rand() * (cur.h + 2 * p - o.crop + 1)) - p;
      geo(translate(-left, -top), 'nearest', o.crop, o.crop);
    } else {
      const area = cur.w * cur.h;
      let box: [number, number, number, number] | undefined;
      for (let t = 0; t < 10 && !box; t++) {
        const target = area * u(0.08, 1), ratio = Math.exp(u(Math.log(3 / 4), Math.log(4 / 3)));
        const w = Math.round(Math.sqrt(target * ratio)), h = Math.round(Math.sqrt(target / ratio));
        if (w > 0 && h > 0 && w <= cur.w && h <= cur.h) box = [Math.floor(rand() * (cur.w - w + 1)), Math.floor(rand() * (cur.h - h + 1)), w, h];
      }
      const [x, y, w, h] = box ?? [0, 0, cur.w, cur.h];
      geo(compose(scale(o.crop / w, o.crop / h), translate(-x, -y)), 'bilinear', o.crop, o.crop);
    }
  }
  return { image: cur, transform: H };
}
