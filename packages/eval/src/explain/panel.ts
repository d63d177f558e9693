/**
 * The "this looks like that" figure of spec §8 as one PNG: a row per shown prototype with the sample and the
 * exact receptive field of the prototype's best cell (red), the prototype (its training patch), the corresponding
 * patch of the sample, the heat map over the sample, and the contribution. Composed with sharp; text and
 * rectangles are an SVG overlay. Small inputs are scaled up with nearest-neighbour to at least 192 px per cell.
 */
import sharp from 'sharp';
import type { OverlayOptions } from 'sharp';
import type { Rgb } from '@pixpnet/data';
import type { Explanation } from './explain.js';
import { crop, overlayHeatmap, scaleNearest } from './image.js';
import { escapeMarkup, rgbLayer } from './markup.js';

/** What {@link renderExplanationPanel} draws. */
export interface PanelInput {
  /** The image as the model saw it (after the evaluation transform), RGB. */
  image: Rgb;
  explanation: Explanation;
  /** Per shown prototype (panel order): its training patch, or null when it has no source sample. */
  patches: ReadonlyArray<Rgb | null>;
  classNames: readonly string[];
  /** The true class, when known. */
  actual?: number | null;
  /** A caption above the panel (e.g. the file name). */
  caption?: string;
}

/** The smallest cell size in pixels. */
export const MIN_CELL = 192;
const PAD = 14, TITLE = 58, HEADER = 30, CAPTION = 40, CONTRIB_W = 170;
const COLUMNS = ['Sample', 'Prototype', 'Corresponding image patch', 'Overlaid heat map', 'Contribution'];

const className = (names: readonly string[], c: number | null | undefined) => (c === null || c === undefined ? 'unknown' : names[c] ?? `class ${c}`);

/** `s` cut to `max` characters with an ellipsis. */
const fitText = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`);

/** Formats a number with 3 significant digits, as the reference's `= 4.41`. */
export function sig3(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : String(v);
}

/** Renders the panel as PNG bytes. */
export async function renderExplanationPanel(p: PanelInput): Promise<Buffer> {
  const { image, explanation: e } = p;
  const scale = Math.max(1, Math.ceil(MIN_CELL / Math.max(image.w, image.h)));
  const S = Math.max(image.w, image.h) * scale;
  const colX = [0, 1, 2, 3].map((c) => PAD + c * (S + PAD));
  const contribX = PAD + 4 * (S + PAD);
  const width = contribX + CONTRIB_W + PAD;
  const rowY = (r: number) => TITLE + HEADER + r * (S + CAPTION + PAD);
  const height = rowY(e.evidence.length) + PAD;
  const layers: OverlayOptions[] = [];
  const svg: string[] = [];
  const place = (img: Rgb, left: number, top: number) => layers.push(rgbLayer(img, left, top));
  const text = (x: number, y: number, s: string, o: { size?: number; weight?: string; anchor?: string; fill?: string } = {}) =>
    svg.push(`<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="${o.size ?? 15}" font-weight="${o.weight ?? 'normal'}" text-anchor="${o.anchor ?? 'middle'}" fill="${o.fill ?? '#111'}">${escapeMarkup(s)}</text>`);
  const rect = (x: number, y: number, w: number, h: number, stroke: string, sw: number, dash = '') =>
    svg.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${stroke}" stroke-width="${sw}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);

  const actual = p.actual === undefined || p.actual === null ? '' : ` | Actual: ${className(p.classNames, p.actual)}`;
  text(width / 2, 26, `Predicted: ${className(p.classNames, e.predicted)}${actual}`, { size: 19, weight: 'bold' });
  if (p.caption) text(width / 2, 48, p.caption, { size: 13, fill: '#555' });
  COLUMNS.forEach((title, c) => text(c < 4 ? colX[c]! + S / 2 : contribX + CONTRIB_W / 2, TITLE + 18, title, { size: 15, weight: 'bold' }));

  const big = scaleNearest(image, scale);
  const chars = Math.floor(S / 7.2); // characters of a 12–13 px caption that fit a cell
  e.evidence.forEach((ev, r) => {
    const y = rowY(r);
    const [x1, y1, x2, y2] = ev.box;
    const box = (left: number) => rect(left + x1 * scale, y + y1 * scale, (x2 - x1) * scale, (y2 - y1) * scale, '#e00000', 3);
    // 1. the sample with the receptive field of the prototype's best cell
    place(big, colX[0]!, y);
    box(colX[0]!);
    text(colX[0]! + S / 2, y + S + 18, `similarity ${sig3(ev.similarity)}`, { size: 13, fill: '#333' });
    // 2. the prototype's training patch, 3. the sample's patch: each scaled by a whole factor to fit the cell
    const fit = (img: Rgb, left: number) => {
      const f = Math.max(1, Math.floor(S / Math.max(img.w, img.h)));
      const s = scaleNearest(img, f);
      const l = left + Math.floor((S - s.w) / 2), t = y + Math.floor((S - s.h) / 2);
      place(s, l, t);
      rect(l - 1, t - 1, s.w + 2, s.h + 2, '#888', 1);
    };
    const patch = p.patches[r];
    if (patch) fit(patch, colX[1]!);
    else {
      rect(colX[1]! + 1, y + 1, S - 2, S - 2, '#999', 2, '6 5');
      text(colX[1]! + S / 2, y + S / 2 + 5, 'no sample', { size: 16, fill: '#777' });
    }
    text(colX[1]! + S / 2, y + S + 18, `prototype ${ev.prototype}`, { size: 13, fill: '#333' });
    if (ev.prototypeClass !== null) text(colX[1]! + S / 2, y + S + 34, fitText(className(p.classNames, ev.prototypeClass), chars), { size: 12, fill: '#555' });
    fit(crop(image, ev.box), colX[2]!);
    text(colX[2]! + S / 2, y + S + 18, `${x2 - x1}×${y2 - y1} px at (${x1}, ${y1})`, { size: 13, fill: '#333' });
    // 4. the heat map over the sample, with the same rectangle
    place(scaleNearest(overlayHeatmap(image, ev.heatmap), scale), colX[3]!, y);
    box(colX[3]!);
    text(colX[3]! + S / 2, y + S + 18, `${e.heatmapMethod} heat map`, { size: 13, fill: '#333' });
    // 5. the contribution to the predicted class
    text(contribX + CONTRIB_W / 2, y + S / 2 + 8, `= ${sig3(ev.contribution)}`, { size: 24 });
  });

  const overlay = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${svg.join('')}</svg>`;
  layers.push({ input: Buffer.from(overlay), left: 0, top: 0 });
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(layers).png().toBuffer();
}
