/**
 * Part annotations in model-input coordinates (spec §6.1): visible parts replayed through exactly the geometry
 * the image went through; `legacyPartMapping` reproduces the reference, which assumed a square resize where the
 * pipeline keeps the aspect ratio (its mapped parts are wrong for non-square images).
 */
import type { PartLocation } from '../datasets/types.js';
import { mapPoint } from './eval.js';
import type { Geometry } from './eval.js';
import type { TransformPreset } from './presets.js';

/** A part as a 1-pixel box `[x0, y0, x1, y1]` in model-input pixels. */
export interface MappedPart {
  partId: number;
  box: [number, number, number, number];
}

/** Options of {@link mapParts}. */
export interface MapPartsOptions {
  /** The geometry `evalTransform` returned for the image (the correct mapping). */
  geometry?: Geometry;
  /** The reference's mapping instead: needs the preset, the original `[height, width]` and the bbox. */
  legacyPartMapping?: { preset: TransformPreset; origHW: [number, number]; bbox?: [number, number, number, number] };
  /** `[height, width]` of the decoded file: visible parts outside it are annotation errors, returned in `outside`. */
  origHW?: [number, number];
}

/**
 * Maps the visible parts of an image; parts that land outside the input are dropped (counted in `dropped`), and
 * parts outside the original image itself (with `origHW`) are left out and returned in `outside`.
 */
export function mapParts(parts: readonly PartLocation[], o: MapPartsOptions): { parts: MappedPart[]; dropped: number; outside: PartLocation[] } {
  const inImage = (p: PartLocation) => !o.origHW || (p.x >= 0 && p.y >= 0 && p.x < o.origHW[1] && p.y < o.origHW[0]);
  const outside = parts.filter((p) => p.visible && !inImage(p));
  const visible = parts.filter((p) => p.visible && inImage(p));
  let map: (x: number, y: number) => [number, number];
  let size: [number, number];
  if (o.legacyPartMapping) {
    const { preset: p, origHW, bbox } = o.legacyPartMapping;
    let [h, w] = origHW;
    let ox = 0, oy = 0, sx = 1, sy = 1;
    if (p.bboxCrop && bbox) { ox = -bbox[0]; oy = -bbox[1]; [w, h] = [bbox[2], bbox[3]]; }
    const steps: Array<(x: number, y: number) => [number, number]> = [];
    if (p.crop && Math.min(h, w) < p.crop) {
      const s = Math.max(p.crop / h, p.crop / w);
      const [nh, nw] = [Math.round(h * s), Math.round(w * s)];
      sx *= nw / w; sy *= nh / h; [h, w] = [nh, nw];
    }
    if (p.resize) { sx *= p.resize / w; sy *= p.resize / h; [h, w] = [p.resize, p.resize]; }
    let cx = 0, cy = 0;
    if (p.crop) { cx = Math.round((w - p.crop) / 2); cy = Math.round((h - p.crop) / 2); [h, w] = [p.crop, p.crop]; }
    let dx = 1, dy = 1;
    if (p.downsample) { dx = p.downsample / w; dy = p.downsample / h; [h, w] = [p.downsample, p.downsample]; }
    steps.push((x, y) => [((x + ox) * sx - cx) * dx, ((y + oy) * sy - cy) * dy]);
    map = steps[0]!;
    size = [h, w];
  } else {
    const g = o.geometry;
    if (!g) throw new Error('mapParts: give the image geometry (from evalTransform), or legacyPartMapping.');
    // a part at pixel (x, y) is the point at its centre; back to pixel indices after mapping
    map = (x, y) => {
      const [mx, my] = mapPoint(g, x + 0.5, y + 0.5);
      return [mx - 0.5, my - 0.5];
    };
    size = [g.height, g.width];
  }
  const out: MappedPart[] = [];
  let dropped = 0;
  for (const p of visible) {
    const [x, y] = map(p.x, p.y);
    if (x < 0 || y < 0 || x >= size[1] || y >= size[0]) { dropped++; continue; }
    out.push({ partId: p.partId, box: [x, y, x + 1, y + 1] });
  }
  return { parts: out, dropped, outside };
}
