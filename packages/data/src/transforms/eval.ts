/**
 * The evaluation pipeline of spec §5.2 — bbox crop, conditional resize, resize, centre crop, downsample,
 * normalise — with sharp (libvips, off the main thread), recording the geometry so that points (part keypoints)
 * can be mapped through exactly the same steps.
 */
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import type { Sample } from '../datasets/types.js';
import type { TransformPreset } from './presets.js';

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

/** Runs the evaluation pipeline on one sample. Errors name the file. */
export async function evalTransform(sample: Sample, p: TransformPreset): Promise<TransformedImage> {
  let img: Sharp;
  let w: number, h: number;
  try {
    img = sample.pixels
      ? sharp(Buffer.from(sample.pixels.data), { raw: { width: sample.pixels.width, height: sample.pixels.height, channels: 3 } })
      : sharp(sample.path, { failOn: 'error' });
    const meta = sample.pixels ? { width: sample.pixels.width, height: sample.pixels.height } : await img.metadata();
    if (!meta.width || !meta.height) throw new Error('no size');
    [w, h] = [meta.width, meta.height];
  } catch (e) {
    throw new Error(`Cannot read image ${sample.path || `#${sample.id}`}: ${(e as Error).message}`);
  }
  const origShape: [number, number, number] = [3, h, w];
  const g = { sx: 1, sy: 1, tx: 0, ty: 0 };
  // every step is materialised: sharp reorders lazy operations, and the geometry must follow the spec's order
  let buf: { data: Buffer; w: number; h: number };
  const raw = async (s: Sharp) => {
    const { data, info } = await s.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { data, w: info.width, h: info.height };
  };
  const from = (b: typeof buf) => sharp(b.data, { raw: { width: b.w, height: b.h, channels: 3 } });
  try {
    buf = await raw(img.rotate());
  } catch (e) {
    throw new Error(`Cannot decode image ${sample.path || `#${sample.id}`}: ${(e as Error).message}`);
  }
  const crop = async (left: number, top: number, cw: number, ch: number) => {
    buf = await raw(from(buf).extract({ left, top, width: cw, height: ch }));
    g.tx -= left;
    g.ty -= top;
  };
  const resize = async (nw: number, nh: number) => {
    const [fx, fy] = [nw / buf.w, nh / buf.h];
    buf = await raw(from(buf).resize(nw, nh, { fit: 'fill', kernel: 'linear' }));
    g.sx *= fx; g.sy *= fy; g.tx *= fx; g.ty *= fy;
  };
  const shorter = (size: number) => (buf.w <= buf.h ? [size, Math.round((buf.h * size) / buf.w)] : [Math.round((buf.w * size) / buf.h), size]) as [number, number];
  if (p.bboxCrop && sample.bbox) {
    const [x, y, bw, bh] = sample.bbox;
    const left = Math.max(0, Math.min(buf.w - 1, x)), top = Math.max(0, Math.min(buf.h - 1, y));
    await crop(left, top, Math.max(1, Math.min(bw, buf.w - left)), Math.max(1, Math.min(bh, buf.h - top)));
  }
  if (p.crop && (!p.resize || p.resize < p.crop) && (buf.w < p.crop || buf.h < p.crop)) await resize(...shorter(p.crop));
  if (p.resize) await (p.crop ? resize(...shorter(p.resize)) : resize(p.resize, p.resize));
  if (p.crop) {
    const cw = Math.min(p.crop, buf.w), ch = Math.min(p.crop, buf.h);
    await crop(Math.round((buf.w - cw) / 2), Math.round((buf.h - ch) / 2), cw, ch);
  }
  if (p.downsample) await resize(p.downsample, p.downsample);
  const n = buf.w * buf.h;
  const data = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = (buf.data[i * 3 + c]! / 255 - p.mean[c]!) / p.std[c]!;
  return { data, geometry: { ...g, width: buf.w, height: buf.h }, origShape };
}
