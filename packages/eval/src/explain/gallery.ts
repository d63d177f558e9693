/**
 * The prototype gallery: every prototype's training patch beside its source image with the patch's exact receptive
 * field, grouped by class, and — where the dataset has part annotations — the parts inside that field.
 */
import sharp from 'sharp';
import type { OverlayOptions } from 'sharp';
import type { Rgb, Sample, TransformPreset } from '@pixpnet/data';
import type { ProtoNet } from '@pixpnet/models';
import { log } from '@pixpnet/engine';
import { overlaps } from '../metrics/boxes.js';
import type { Box } from '../metrics/boxes.js';
import { crop, scaleNearest } from './image.js';
import { escapeMarkup, rgbLayer } from './markup.js';
import { displayImage, prototypeBox } from './patches.js';

/** One prototype of the gallery. */
export interface GalleryEntry {
  prototype: number;
  /** Its class (class-specific models), else null. */
  class: number | null;
  /** The training sample it was pushed onto (−1: none). */
  sample: number;
  samplePath: string | null;
  /** The receptive field `[x1, y1, x2, y2]` of its latent patch in that image. */
  box: [number, number, number, number] | null;
  /**
   * The visible parts of the source image inside the receptive field (merged id and name, by id, each once), when the
   * dataset has parts: a part is inside when its pixel overlaps the field, as consistency counts it. Empty: the
   * prototype sits on the background (or on what no part names: a body, a distractor). Null: no parts to judge by
   * (a dataset without them, a prototype never pushed).
   */
  parts: Array<{ id: number; name: string }> | null;
  /**
   * Whether one of `parts` defines the prototype's class (false for the background); null when the dataset does not
   * name its class-defining parts (only the synthetic parts set does) or `parts` is null.
   */
  definingPart: boolean | null;
}

/**
 * The parts whose keypoints (pixel centres, as {@link GalleryParts.partsOf} gives them) fall in `box`: the 1-pixel
 * square around the keypoint overlaps it (IoU > 0, the rule of consistency), each merged id once, by id.
 */
export function partsInside(keypoints: ReadonlyArray<{ partId: number; x: number; y: number }>, box: readonly [number, number, number, number], partNames: readonly string[]): Array<{ id: number; name: string }> {
  const field: Box = [box[0], box[1], box[2], box[3]];
  const ids = new Set(keypoints.filter((p) => overlaps([p.x - 0.5, p.y - 0.5, p.x + 0.5, p.y + 0.5], field)).map((p) => p.partId));
  return [...ids].sort((a, b) => a - b).map((id) => ({ id, name: partNames[id] ?? `part ${id}` }));
}

/** A gallery entry's parts as a caption: `beak, crown` (defining parts first, at most about `max` characters), `background` when none. */
export function partsCaption(e: Pick<GalleryEntry, 'class' | 'parts'>, classParts?: ReadonlyMap<number, ReadonlySet<number>>, max = Infinity): string {
  if (!e.parts) return '';
  if (!e.parts.length) return 'background';
  const defining = (id: number) => e.class !== null && (classParts?.get(e.class)?.has(id) ?? false);
  const ordered = [...e.parts.filter((p) => defining(p.id)), ...e.parts.filter((p) => !defining(p.id))].map((p) => p.name);
  let text = ordered[0]!, shown = 1;
  while (shown < ordered.length && text.length + 2 + ordered[shown]!.length <= max) text += `, ${ordered[shown++]!}`;
  return shown < ordered.length ? `${text} +${ordered.length - shown} more` : text;
}

/** Optional part information: names by merged part id, each sample's parts in model-input pixels, defining parts by class. */
export interface GalleryParts {
  partNames: readonly string[];
  /** A sample's visible parts: merged id and keypoint (the centre of the part's pixel) in model-input pixels. */
  partsOf: (sample: number) => Promise<Array<{ partId: number; x: number; y: number }>>;
  classParts?: ReadonlyMap<number, ReadonlySet<number>>;
}

/** The gallery's data (and the images to draw it). */
export async function prototypeGallery(model: ProtoNet, samples: readonly Sample[], preset: TransformPreset, parts?: GalleryParts): Promise<{ entries: GalleryEntry[]; sources: Map<number, Rgb> }> {
  const sources = new Map<number, Rgb>();
  const entries: GalleryEntry[] = [];
  let missing = 0;
  for (let j = 0; j < model.config.numPrototypes; j++) {
    const s = model.push.sampleIdxs[j]!;
    const box = prototypeBox(model, j);
    const cls = model.config.classSpecific ? model.prototypeClass(j) : null;
    const e: GalleryEntry = { prototype: j, class: cls, sample: s, samplePath: samples[s]?.path || null, box, parts: null, definingPart: null };
    if (box && samples[s]) {
      if (!sources.has(s)) sources.set(s, await displayImage(samples[s]!, preset));
      if (parts) {
        e.parts = partsInside(await parts.partsOf(s), box, parts.partNames);
        if (parts.classParts && cls !== null) e.definingPart = e.parts.some((p) => parts.classParts!.get(cls)?.has(p.id) ?? false);
      }
    } else missing++;
    entries.push(e);
  }
  if (missing) log.warning(`${missing} prototype(s) have no source sample (never pushed): drawn as "no sample".`);
  return { entries, sources };
}

/**
 * Draws the gallery: a row per class (or rows of `perRow`), each tile the source image with the box and the patch,
 * captioned with the parts inside the box (`classParts`: the class-defining ones first, the tile marked when one is).
 */
export async function renderPrototypeGallery(entries: readonly GalleryEntry[], sources: ReadonlyMap<number, Rgb>, classNames: readonly string[],
  o: { perRow?: number; title?: string; classParts?: ReadonlyMap<number, ReadonlySet<number>> } = {}): Promise<Buffer> {
  const first = [...sources.values()][0];
  const side = first ? Math.max(first.w, first.h) : 64;
  const scale = Math.max(1, Math.ceil(128 / side));
  const S = side * scale, PAD = 12, CAP = 40, LABEL = 26, TITLE = o.title ? 40 : 0;
  const rows: GalleryEntry[][] = [];
  if (entries.every((e) => e.class !== null)) {
    for (const e of entries) (rows[e.class!] ??= []).push(e);
  } else for (let i = 0; i < entries.length; i += o.perRow ?? 5) rows.push(entries.slice(i, i + (o.perRow ?? 5)));
  const dense = rows.filter(Boolean);
  const cols = Math.max(...dense.map((r) => r.length));
  const tileW = 2 * S + 3 * PAD;
  const width = PAD + cols * tileW, rowH = LABEL + S + CAP + PAD;
  const height = TITLE + dense.length * rowH + PAD;
  const layers: OverlayOptions[] = [];
  const svg: string[] = [];
  const place = (img: Rgb, left: number, top: number) => layers.push(rgbLayer(img, left, top));
  const text = (x: number, y: number, s: string, size = 13, fill = '#222', anchor = 'middle', weight = 'normal') =>
    svg.push(`<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="${size}" font-weight="${weight}" text-anchor="${anchor}" fill="${fill}">${escapeMarkup(s)}</text>`);
  if (o.title) text(width / 2, 27, o.title, 19, '#111', 'middle', 'bold');
  dense.forEach((row, r) => {
    const y0 = TITLE + r * rowH;
    const cls = row[0]!.class;
    text(PAD, y0 + 18, cls !== null ? `class ${cls}: ${classNames[cls] ?? ''}` : `prototypes ${row[0]!.prototype}–${row.at(-1)!.prototype}`, 14, '#111', 'start', 'bold');
    row.forEach((e, c) => {
      const x0 = PAD + c * tileW, y = y0 + LABEL;
      const src = sources.get(e.sample);
      if (src && e.box) {
        place(scaleNearest(src, scale), x0, y);
        const [x1, y1, x2, y2] = e.box;
        svg.push(`<rect x="${x0 + x1 * scale}" y="${y + y1 * scale}" width="${(x2 - x1) * scale}" height="${(y2 - y1) * scale}" fill="none" stroke="#e00000" stroke-width="2"/>`);
        const patch = crop(src, e.box);
        const f = Math.max(1, Math.floor(S / Math.max(patch.w, patch.h)));
        const big = scaleNearest(patch, f);
        const px = x0 + S + PAD + Math.floor((S - big.w) / 2), py = y + Math.floor((S - big.h) / 2);
        place(big, px, py);
        svg.push(`<rect x="${px - 1}" y="${py - 1}" width="${big.w + 2}" height="${big.h + 2}" fill="none" stroke="#888" stroke-width="1"/>`);
      } else {
        svg.push(`<rect x="${x0 + 1}" y="${y + 1}" width="${2 * S + PAD - 2}" height="${S - 2}" fill="none" stroke="#999" stroke-width="2" stroke-dasharray="6 5"/>`);
        text(x0 + S + PAD / 2, y + S / 2 + 5, 'no sample', 15, '#777');
      }
      text(x0 + S + PAD / 2, y + S + 17, `prototype ${e.prototype}${e.sample >= 0 ? ` · sample ${e.sample}` : ''}`, 13);
      if (e.parts) {
        const mark = e.definingPart ? ' · defines its class' : '';
        // about 7 px per character at 12 px: the list is cut to what fits the tile beside the mark
        const room = Math.max(12, Math.floor((tileW - PAD) / 7) - 3 - mark.length);
        text(x0 + S + PAD / 2, y + S + 33, `on ${partsCaption(e, o.classParts, room)}${mark}`, 12, e.definingPart ? '#0a7a0a' : '#555');
      }
    });
  });
  layers.push({ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${svg.join('')}</svg>`), left: 0, top: 0 });
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(layers).png().toBuffer();
}
