/**
 * The evaluation pipeline of spec §5.2 — bbox crop, conditional resize, resize, centre crop, downsample,
 * normalise — recording the geometry so that points (part keypoints) can be mapped through exactly the same
 * steps. Decoding is sharp's (libvips, off the main thread); the resizes are PIL's bilinear resampling
 * (`resample.ts`), as torchvision's `Resize` on PIL images, and 4-5× faster than libvips' for these sizes.
 */
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { Sample } from '../datasets/types.js';
import type { TransformPreset } from './presets.js';
import { crop, resample } from './resample.js';
import { giveBytes } from './scratch.js';

/** Maps original image coordinates (pixel centres at `i + 0.5`) to output coordinates: `x' = x·sx + tx`. */
export interface Geometry {
  sx: number;
  sy: number;
  tx: number;
  ty: number;
  /** Output size. */
  width: number;
  height: number;
}

/** A transformed image: normalised HWC float32 RGB and its geometry. */
export interface TransformedImage {
  data: Float32Array;
  geometry: Geometry;
  /** `[C, H, W]` of the image before any crop (spec's `orig_shape`). */
  origShape: [number, number, number];
}

/** Maps a point through a geometry (continuous coordinates; an integer pixel index `i` is the centre `i + 0.5`). */
export function mapPoint(g: Geometry, x: number, y: number): [number, number] {
  return [x * g.sx + g.tx, y * g.sy + g.ty];
}

/** A decoded image after the size steps shared by training and evaluation (bbox crop, resizes). */
export interface PreparedImage {
  rgb: { data: Uint8Array; w: number; h: number };
  /** Original → prepared coordinates. */
  geometry: { sx: number; sy: number; tx: number; ty: number };
  origShape: [number, number, number];
}

const raw = async (s: Sharp) => {
  const { data, info } = await s.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), w: info.width, h: info.height };
};

/** Decodes a sample and applies bbox crop, conditional resize and resize (spec §5.2 steps 1–2). Errors name the file. */
export async function prepareImage(sample: Sample, p: TransformPreset): Promise<PreparedImage> {
  let buf: { data: Uint8Array; w: number; h: number };
  try {
    buf = sample.pixels
      ? { data: sample.pixels.data, w: sample.pixels.width, h: sample.pixels.height }
      : await raw(sharp(sample.path, { failOn: 'error' }).rotate());
  } catch (e) {
    throw new Error(`Cannot decode image ${sample.path || `#${sample.id}`}: ${(e as Error).message}`);
  }
  const origShape: [number, number, number] = [3, buf.h, buf.w];
  const g = { sx: 1, sy: 1, tx: 0, ty: 0 };
  const cropTo = (left: number, top: number, cw: number, ch: number) => {
    buf = crop(buf, left, top, cw, ch);
    g.tx -= left;
    g.ty -= top;
  };
  const resize = (nw: number, nh: number) => {
    const [fx, fy] = [nw / buf.w, nh / buf.h];
    buf = resample(buf, nw, nh);
    g.sx *= fx; g.sy *= fy; g.tx *= fx; g.ty *= fy;
  };
  const shorter = (size: number) => (buf.w <= buf.h ? [size, Math.round((buf.h * size) / buf.w)] : [Math.round((buf.w * size) / buf.h), size]) as [number, number];
  if (p.bboxCrop && sample.bbox) {
    const [x, y, bw, bh] = sample.bbox;
    const left = Math.max(0, Math.min(buf.w - 1, x)), top = Math.max(0, Math.min(buf.h - 1, y));
    cropTo(left, top, Math.max(1, Math.min(bw, buf.w - left)), Math.max(1, Math.min(bh, buf.h - top)));
  }
  if (p.crop && (!p.resize || p.resize < p.crop) && (buf.w < p.crop || buf.h < p.crop)) resize(...shorter(p.crop));
  if (p.resize) (p.crop ? resize(...shorter(p.resize)) : resize(p.resize, p.resize));
  return { rgb: buf, geometry: g, origShape };
}

/** `(v / 255 − mean) / std` for every byte value and channel (interleaved: entry `v·3 + c`), rounded to float32. */
function normaliseTable(p: TransformPreset): Float32Array {
  const t = new Float32Array(256 * 3);
  for (let v = 0; v < 256; v++) for (let c = 0; c < 3; c++) t[v * 3 + c] = (v / 255 - p.mean[c]!) / p.std[c]!;
  return t;
}

/** Normalised HWC float32 from RGB bytes: `(v / 255 − mean) / std`, by table (the same float32 as the formula). */
export function normalise(rgb: { data: Uint8Array; w: number; h: number }, p: TransformPreset): Float32Array {
  const src = rgb.data, n = rgb.w * rgb.h * 3, t = normaliseTable(p);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i += 3) {
    data[i] = t[src[i]! * 3]!;
    data[i + 1] = t[src[i + 1]! * 3 + 1]!;
    data[i + 2] = t[src[i + 2]! * 3 + 2]!;
  }
  return data;
}

/** The evaluation steps after {@link prepareImage}: centre crop, downsample, normalise (spec §5.2 steps 4–6). */
export async function finishEval(prep: PreparedImage, p: TransformPreset): Promise<TransformedImage> {
  let buf = prep.rgb;
  const g = { ...prep.geometry };
  if (p.crop) {
    const cw = Math.min(p.crop, buf.w), ch = Math.min(p.crop, buf.h);
    const left = Math.round((buf.w - cw) / 2), top = Math.round((buf.h - ch) / 2);
    if (cw !== buf.w || ch !== buf.h) buf = crop(buf, left, top, cw, ch);
    g.tx -= left;
    g.ty -= top;
  }
  if (p.downsample) {
    const [fx, fy] = [p.downsample / buf.w, p.downsample / buf.h];
    const cropped = buf;
    buf = resample(buf, p.downsample, p.downsample);
    if (cropped !== prep.rgb) giveBytes(cropped.data);
    g.sx *= fx; g.sy *= fy; g.tx *= fx; g.ty *= fy;
  }
  const data = normalise(buf, p);
  if (buf !== prep.rgb) giveBytes(buf.data);
  return { data, geometry: { ...g, width: buf.w, height: buf.h }, origShape: prep.origShape };
}

/** Runs the evaluation pipeline on one sample. Errors name the file. */
export async function evalTransform(sample: Sample, p: TransformPreset): Promise<TransformedImage> {
  return finishEval(await prepareImage(sample, p), p);
}
