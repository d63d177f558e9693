/** Pixels for drawing: normalised model inputs back to RGB bytes, crops, nearest-neighbour scaling, jet overlays. */
import createColormap from 'colormap';
import type { Rgb, TransformPreset } from '@pixpnet/data';

/** Normalised HWC floats (one image) back to RGB bytes with the preset's mean and std. */
export function denormalise(data: Float32Array, width: number, height: number, preset: Pick<TransformPreset, 'mean' | 'std'>): Rgb {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.max(0, Math.min(255, Math.round((data[i * 3 + c]! * preset.std[c]! + preset.mean[c]!) * 255)));
  }
  return { data: out, w: width, h: height };
}

/** The pixels `[x1, x2) × [y1, y2)` of an image. */
export function crop(img: Rgb, [x1, y1, x2, y2]: readonly [number, number, number, number]): Rgb {
  const w = x2 - x1, h = y2 - y1;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) out.set(img.data.subarray(((y1 + y) * img.w + x1) * 3, ((y1 + y) * img.w + x2) * 3), y * w * 3);
  return { data: out, w, h };
}

/** Nearest-neighbour upscaling by a whole factor (pixels stay sharp squares). */
export function scaleNearest(img: Rgb, factor: number): Rgb {
  if (factor === 1) return img;
  const w = img.w * factor, h = img.h * factor;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < w; x++) {
      const s = (sy * img.w + Math.floor(x / factor)) * 3, d = (y * w + x) * 3;
      out[d] = img.data[s]!; out[d + 1] = img.data[s + 1]!; out[d + 2] = img.data[s + 2]!;
    }
  }
  return { data: out, w, h };
}

let JET: Uint8Array | undefined;
/** The jet colormap as a 256-entry RGB table (from the `colormap` package). */
function jet(): Uint8Array {
  if (!JET) JET = Uint8Array.from(createColormap({ colormap: 'jet', nshades: 256, format: 'rgba' }).flatMap(([r, g, b]) => [r, g, b]));
  return JET;
}

/**
 * The heat map over the image as spec §8 draws it: min–max normalised to [0, 1], coloured with jet, blended
 * `0.4 · heat + 0.6 · image`. A constant (or NaN) map is drawn as 0.
 */
export function overlayHeatmap(img: Rgb, heat: Float32Array): Rgb {
  let lo = Infinity, hi = -Infinity;
  for (const v of heat) if (!Number.isNaN(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const table = jet();
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < img.w * img.h; i++) {
    const v = heat[i]!;
    const t = hi > lo && !Number.isNaN(v) ? (v - lo) / (hi - lo) : 0;
    const k = Math.round(t * 255) * 3;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(0.4 * table[k + c]! + 0.6 * img.data[i * 3 + c]!);
  }
  return { data: out, w: img.w, h: img.h };
}
