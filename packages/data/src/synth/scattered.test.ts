import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { Rng } from '@pixpnet/engine';
import { ATTRIBUTES, COLORS, CUB_IDS, DEFINING_PARTS, MAX_CLASSES, PLAIN_ATTRIBUTES, SCATTERED_SCALE, drawScatteredBird, makeClasses } from './bird.js';
import type { DefiningPart, ScatteredBird } from './bird.js';
import { drawScene } from './scene.js';
import { variedCanvas, writeSynthDataset } from './write.js';
import { treeDigest } from './tree_digest.testkit.js';
import { readCub } from '../datasets/cub.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'synth-scattered-'));
const digest = treeDigest;

/** `#rgb`, `#rrggbb` or `hsl(h,s%,l%)` as RGB bytes. */
function rgbOf(css: string): [number, number, number] {
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(css);
  if (short) return short.slice(1).map((d) => parseInt(d + d, 16)) as [number, number, number];
  const hex = /^#([0-9a-f]{6})$/i.exec(css);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return [n >> 16, (n >> 8) & 255, n & 255];
  }
  const m = /^hsl\((\d+),(\d+)%,(\d+)%\)$/.exec(css);
  if (!m) throw new Error(`not a colour: ${css}`);
  const h = +m[1]! / 360, s = +m[2]! / 100, l = +m[3]! / 100;
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;
  const f = (t: number) => {
    t = ((t % 1) + 1) % 1;
    return t < 1 / 6 ? p + (q - p) * 6 * t : t < 1 / 2 ? q : t < 2 / 3 ? p + (q - p) * (2 / 3 - t) * 6 : p;
  };
  return [f(h + 1 / 3), f(h), f(h - 1 / 3)].map((v) => Math.round(v * 255)) as [number, number, number];
}

/** An RGB image's pixels with a lookup of the colour nearest to `css` within a pixel of `(x, y)`. */
async function pixels(input: string | Buffer) {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const size = info.width, height = info.height;
  return {
    data, size, height,
    /** Smallest RGB distance to `css` among the pixels within one pixel of `(x, y)`. */
    nearest(x: number, y: number, css: string): number {
      const c = rgbOf(css);
      let best = Infinity;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const X = x + dx, Y = y + dy;
        if (X < 0 || Y < 0 || X >= size || Y >= height) continue;
        const o = (Y * size + X) * 3;
        best = Math.min(best, Math.hypot(data[o]! - c[0], data[o + 1]! - c[1], data[o + 2]! - c[2]));
      }
      return best;
    },
  };
}

const svgOf = (size: number, body: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">${body}</svg>`);
const specs = makeClasses(MAX_CLASSES, new Rng(0x5eed));
/** The image the writer draws for one seed: the scene behind the bird. */
function scene(i: number, size: number, distractors: 'random' | 'plain' = 'random'): { bird: ScatteredBird; svg: Buffer } {
  const rng = new Rng(7000 + i);
  const bird = drawScatteredBird(specs[(i * 37) % MAX_CLASSES]!, size, rng, distractors);
  return { bird, svg: svgOf(size, `${drawScene(size, rng, bird)}${bird.svg}`) };
}
/** Pairs of CUB ids that a mirror swaps. */
const MIRROR: Record<number, number> = {
  [CUB_IDS.leftEye]: CUB_IDS.rightEye, [CUB_IDS.rightEye]: CUB_IDS.leftEye, [CUB_IDS.leftWing]: CUB_IDS.rightWing,
  [CUB_IDS.rightWing]: CUB_IDS.leftWing, [CUB_IDS.leftLeg]: CUB_IDS.rightLeg, [CUB_IDS.rightLeg]: CUB_IDS.leftLeg,
};

describe('the scattered layout', () => {
  it('is byte-identical for the same seed, differs for another seed, and is not the centred set', async () => {
    const o = { classes: 3, perClass: 2, size: 64, layout: 'scattered' } as const;
    const a = await writeSynthDataset({ ...o, out: tmp(), seed: 1 });
    const b = await writeSynthDataset({ ...o, out: tmp(), seed: 1 });
    const c = await writeSynthDataset({ ...o, out: tmp(), seed: 2 });
    const d = await writeSynthDataset({ ...o, out: tmp(), seed: 1, layout: 'centred' });
    expect(digest(a)).toBe(digest(b));
    expect(digest(a)).not.toBe(digest(c));
    expect(digest(a)).not.toBe(digest(d));
  });

  it('puts every visible keypoint on its drawn part (the part colour within a pixel, on rendered images with clutter)', async () => {
    let checked = 0, mirroredMisses = 0;
    for (let i = 0; i < 40; i++) {
      const { bird, svg } = scene(i, 128);
      const img = await pixels(svg);
      const visible = [...bird.keypoints].filter(([, k]) => k.visible);
      expect(visible).toHaveLength(13); // the far eye and wing are hidden; nothing is cut off
      for (const [id, k] of visible) {
        expect(img.nearest(k.x, k.y, bird.colours.get(id)!), `image ${i}, part ${id} at (${k.x}, ${k.y})`).toBeLessThan(30);
        checked++;
      }
      // the check has teeth: the keypoints mirrored across the image miss their parts
      if (visible.some(([id, k]) => img.nearest(127 - k.x, k.y, bird.colours.get(id)!) >= 30)) mirroredMisses++;
    }
    expect(checked).toBe(40 * 13);
    expect(mirroredMisses).toBeGreaterThanOrEqual(38);
  });

  it('writes part_locs.txt whose class-defining parts carry the class colours in the written PNGs', async () => {
    const root = await writeSynthDataset({ out: tmp(), classes: 8, perClass: 3, seed: 4, layout: 'scattered', distractors: 'plain' });
    const ds = readCub(path.dirname(root));
    const classSpecs = makeClasses(8, new Rng(4 ^ 0x5eed));
    const idsOf: Record<DefiningPart, number[]> = { beak: [CUB_IDS.beak], wing: [CUB_IDS.leftWing, CUB_IDS.rightWing], tail: [CUB_IDS.tail], crown: [CUB_IDS.crown] };
    let checked = 0;
    for (const s of ds.samples) {
      const img = await pixels(s.path);
      expect(img.size).toBe(128);
      for (const [part, value] of Object.entries(classSpecs[s.label]!.parts) as [DefiningPart, string][]) {
        if (value === PLAIN_ATTRIBUTES.crown) continue; // no crown drawn: the head's random colour
        const colour = COLORS[value.split('-').find((w) => w in COLORS)!]!;
        const kps = s.parts!.filter((p) => p.visible && idsOf[part].includes(p.partIdOrig + 1));
        expect(kps).toHaveLength(1);
        expect(img.nearest(kps[0]!.x, kps[0]!.y, colour), `${s.path}: ${part}`).toBeLessThan(30);
        checked++;
      }
      // the box holds the bird: every visible keypoint, inside the image
      const [x, y, w, h] = s.bbox!;
      expect(x >= 0 && y >= 0 && x + w <= 128 && y + h <= 128).toBe(true);
      for (const p of s.parts!.filter((q) => q.visible)) expect(p.x >= x && p.x <= x + w && p.y >= y && p.y <= y + h).toBe(true);
    }
    expect(checked).toBeGreaterThanOrEqual(8 * 3 * 2 - 6);
    expect(fs.readFileSync(path.join(root, 'README.txt'), 'utf8')).toMatch(/128px, seed 4, plain distractors, scattered layout/);
  });

  it('mirrors a flipped bird: keypoints mirrored, left and right ids swapped, pixels mirrored', async () => {
    const size = 96, spec = specs[3]!;
    const fixed = { scale: 60, angle: 0, x: size / 2, y: size / 2 };
    const a = drawScatteredBird(spec, size, new Rng(11), 'random', { ...fixed, flip: false });
    const b = drawScatteredBird(spec, size, new Rng(11), 'random', { ...fixed, flip: true });
    expect(a.placement.flip).toBe(false);
    expect(b.placement.flip).toBe(true);
    for (const [id, k] of a.keypoints) {
      const m = b.keypoints.get(MIRROR[id] ?? id)!;
      expect(m.visible, `part ${id}`).toBe(k.visible);
      if (!k.visible) continue;
      expect(Math.abs(m.x - (size - k.x)), `part ${id}`).toBeLessThanOrEqual(1);
      expect(m.y).toBe(k.y);
    }
    expect(a.keypoints.get(CUB_IDS.leftEye)!.visible && !a.keypoints.get(CUB_IDS.rightEye)!.visible).toBe(true);
    expect(b.keypoints.get(CUB_IDS.rightEye)!.visible && !b.keypoints.get(CUB_IDS.leftEye)!.visible).toBe(true);
    expect(b.keypoints.get(CUB_IDS.rightWing)!.visible && !b.keypoints.get(CUB_IDS.leftWing)!.visible).toBe(true);
    // the near leg (towards the head) is the left one facing right, the right one facing left
    expect(a.keypoints.get(CUB_IDS.leftLeg)!.x).toBeGreaterThan(a.keypoints.get(CUB_IDS.rightLeg)!.x);
    expect(b.keypoints.get(CUB_IDS.rightLeg)!.x).toBeLessThan(b.keypoints.get(CUB_IDS.leftLeg)!.x);
    const onWhite = (svg: string) => svgOf(size, `<rect width="${size}" height="${size}" fill="#fff"/>${svg}`);
    const pa = await sharp(onWhite(a.svg)).flop().removeAlpha().raw().toBuffer();
    const pb = await sharp(onWhite(b.svg)).removeAlpha().raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < pa.length; i++) diff += Math.abs(pa[i]! - pb[i]!);
    expect(diff / pa.length).toBeLessThan(0.5); // the same picture, mirrored (up to antialiasing)
    expect(b.bbox[0]).toBe(size - a.bbox[0] - a.bbox[2]);
  });

  it('draws birds at 0.4–1.0 scale anywhere inside the image, half of them mirrored, in boxes that fit the drawn bird', async () => {
    const size = 128, n = 300;
    const placements = Array.from({ length: n }, (_, i) => drawScatteredBird(specs[i % MAX_CLASSES]!, size, new Rng(i), 'random'));
    const scales = placements.map((b) => b.placement.scale / size);
    expect(Math.min(...scales)).toBeGreaterThanOrEqual(SCATTERED_SCALE[0] * 0.9);
    expect(Math.min(...scales)).toBeLessThan(0.45);
    expect(Math.max(...scales)).toBeLessThanOrEqual(SCATTERED_SCALE[1]);
    expect(Math.max(...scales)).toBeGreaterThan(0.9);
    expect(scales.filter((s) => s < 0.7).length).toBeGreaterThan(n * 0.35); // uniform: half below the middle
    const flips = placements.filter((b) => b.placement.flip).length;
    expect(flips).toBeGreaterThan(n * 0.4);
    expect(flips).toBeLessThan(n * 0.6);
    const xs = placements.map((b) => b.placement.x);
    expect(Math.min(...xs)).toBeLessThan(size * 0.3);
    expect(Math.max(...xs)).toBeGreaterThan(size * 0.7);
    for (const b of placements.slice(0, 40)) {
      const [x, y, w, h] = b.bbox;
      expect(x >= 0 && y >= 0 && x + w <= size && y + h <= size).toBe(true);
      // the drawn bird alone: its pixels fill the box to within a pixel
      const { data } = await sharp(svgOf(size, b.svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      let [x0, y0, x1, y1] = [size, size, -1, -1];
      for (let yy = 0; yy < size; yy++) for (let xx = 0; xx < size; xx++) {
        if (data[(yy * size + xx) * 4 + 3]! > 0) [x0, y0, x1, y1] = [Math.min(x0, xx), Math.min(y0, yy), Math.max(x1, xx), Math.max(y1, yy)];
      }
      expect(x0).toBeGreaterThanOrEqual(x);
      expect(y0).toBeGreaterThanOrEqual(y);
      expect(x1 + 1).toBeLessThanOrEqual(x + w);
      expect(y1 + 1).toBeLessThanOrEqual(y + h);
      expect(x0 - x + y0 - y + x + w - x1 - 1 + y + h - y1 - 1).toBeLessThanOrEqual(6);
    }
  });

  it('adds clutter and loose distractor parts behind the bird, never over it', async () => {
    let loose = 0;
    for (let i = 0; i < 30; i++) {
      const { bird, svg } = scene(i, 128);
      loose += (svg.toString().match(/<g transform/g) ?? []).length - 1; // the bird is one group
      // where the bird alone is opaque, the full image shows the bird alone
      const alone = await sharp(svgOf(128, bird.svg)).ensureAlpha().raw().toBuffer();
      const full = await sharp(svg).ensureAlpha().raw().toBuffer();
      let worst = 0, opaque = 0;
      for (let p = 0; p < 128 * 128; p++) {
        if (alone[p * 4 + 3] !== 255) continue; // (an edge pixel rounded to opaque may be 1 off)
        opaque++;
        for (let ch = 0; ch < 3; ch++) worst = Math.max(worst, Math.abs(full[p * 4 + ch]! - alone[p * 4 + ch]!));
      }
      expect(opaque).toBeGreaterThan(200);
      expect(worst, `image ${i}`).toBeLessThanOrEqual(2);
    }
    expect(loose).toBeGreaterThan(30 * 1.5);
    expect(loose).toBeLessThanOrEqual(30 * 4);
  });

  it('refuses bad options before any work, naming the option and the fix', async () => {
    const out = tmp();
    await expect(writeSynthDataset({ out, layout: 'diagonal' as never })).rejects.toThrow(/synth: layout must be 'centred' or 'scattered', got 'diagonal'/);
    await expect(writeSynthDataset({ out, layout: 'scattered', size: 48 })).rejects.toThrow(/size 48 is too small for the scattered layout.*use at least 64 \(or the centred layout\)/);
    await expect(writeSynthDataset({ out, classes: 201 })).rejects.toThrow(/classes must be at most 200/);
    expect(fs.readdirSync(out)).toEqual([]);
    const root = await writeSynthDataset({ out, classes: 1, perClass: 1, layout: 'scattered' });
    const meta = await sharp(readCub(path.dirname(root)).samples[0]!.path).metadata();
    expect([meta.width, meta.height]).toEqual([128, 128]); // the layout's default size
  });
});

describe('varied sizes (CUB-like images)', () => {
  it('draws images of varied sizes and aspect ratios, landscape and portrait, with boxes, keypoints and class colours where they belong', async () => {
    const root = await writeSynthDataset({ out: tmp(), classes: 4, perClass: 6, size: 200, seed: 3, layout: 'scattered', distractors: 'plain', variedSizes: true });
    const ds = readCub(path.dirname(root));
    const classSpecs = makeClasses(4, new Rng(3 ^ 0x5eed));
    const idsOf: Record<DefiningPart, number[]> = { beak: [CUB_IDS.beak], wing: [CUB_IDS.leftWing, CUB_IDS.rightWing], tail: [CUB_IDS.tail], crown: [CUB_IDS.crown] };
    const sizes = new Set<string>();
    let portrait = 0, checked = 0;
    for (const [i, s] of ds.samples.entries()) {
      const img = await pixels(s.path);
      const { width, height } = variedCanvas(200, 3, i + 1);
      expect([img.size, img.height]).toEqual([width, height]);
      sizes.add(`${width}x${height}`);
      const [long, short] = [Math.max(width, height), Math.min(width, height)];
      expect(long).toBeGreaterThanOrEqual(160);
      expect(long).toBeLessThanOrEqual(200);
      expect(long / short).toBeGreaterThan(1.13);
      expect(long / short).toBeLessThan(1.52);
      if (height > width) portrait++;
      const [x, y, w, h] = s.bbox!;
      expect(x >= 0 && y >= 0 && x + w <= width && y + h <= height, `${s.path}: box ${s.bbox} in ${width}x${height}`).toBe(true);
      const visible = s.parts!.filter((q) => q.visible);
      expect(visible).toHaveLength(13);
      for (const p of visible) expect(p.x >= x && p.x <= x + w && p.y >= y && p.y <= y + h).toBe(true);
      for (const [part, value] of Object.entries(classSpecs[s.label]!.parts) as [DefiningPart, string][]) {
        if (value === PLAIN_ATTRIBUTES.crown) continue;
        const colour = COLORS[value.split('-').find((w) => w in COLORS)!]!;
        const kp = s.parts!.find((p) => p.visible && idsOf[part].includes(p.partIdOrig + 1))!;
        expect(img.nearest(kp.x, kp.y, colour), `${s.path}: ${part}`).toBeLessThan(30);
        checked++;
      }
    }
    expect(sizes.size).toBeGreaterThan(20); // 24 images, nearly all of their own size
    expect(portrait).toBeGreaterThan(0);
    expect(portrait).toBeLessThan(24); // both orientations (their shares: the test below, over 400 images)
    expect(checked).toBeGreaterThanOrEqual(4 * 6 * 2 - 6);
    expect(fs.readFileSync(path.join(root, 'README.txt'), 'utf8')).toMatch(/varied sizes up to 200px, seed 3/);
  });

  it('is about 500 × 375 at size 500, and refuses varied sizes it cannot draw, before any work', async () => {
    const dims = Array.from({ length: 400 }, (_, i) => variedCanvas(500, 0, i + 1));
    const landscape = dims.filter((d) => d.width > d.height);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(landscape.map((d) => d.width))).toBeGreaterThan(430);
    expect(mean(landscape.map((d) => d.width))).toBeLessThan(470);
    expect(mean(landscape.map((d) => d.height))).toBeGreaterThan(320);
    expect(mean(landscape.map((d) => d.height))).toBeLessThan(360);
    expect(landscape.length / dims.length).toBeGreaterThan(0.65);
    const out = tmp();
    await expect(writeSynthDataset({ out, variedSizes: true })).rejects.toThrow(/varied sizes need the scattered layout \(--layout scattered\)/);
    await expect(writeSynthDataset({ out, layout: 'scattered', size: 100, variedSizes: true })).rejects.toThrow(/size 100 is too small for varied sizes.*use at least 120/);
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe('200 classes', () => {
  it('are distinct sets of class-defining parts; the first 150 are the two-part classes of before, in the same order', () => {
    const all = makeClasses(200, new Rng(9));
    expect(makeClasses(150, new Rng(9))).toEqual(all.slice(0, 150));
    expect(makeClasses(20, new Rng(9))).toEqual(all.slice(0, 20));
    expect(makeClasses(170, new Rng(9)).slice(0, 160)).toEqual(makeClasses(160, new Rng(9)));
    expect(new Set(all.map((c) => c.name)).size).toBe(200);
    const key = (parts: Partial<Record<DefiningPart, string>>) => DEFINING_PARTS.map((p) => parts[p] ?? '-').join('|');
    expect(new Set(all.map((c) => key(c.parts))).size).toBe(200);
    expect(all.slice(0, 150).every((c) => Object.keys(c.parts).length === 2)).toBe(true);
    expect(all.slice(150).every((c) => Object.keys(c.parts).length === 3)).toBe(true);
    for (const c of all) for (const [p, v] of Object.entries(c.parts)) expect(ATTRIBUTES[p as DefiningPart]).toContain(v);
    // with plain distractors no two classes look alike: the full look (plain where not defining) is distinct
    expect(new Set(all.map((c) => key({ ...PLAIN_ATTRIBUTES, ...c.parts }))).size).toBe(200);
    expect(() => makeClasses(201, new Rng(9))).toThrow(/At most 200 synthetic classes/);
  });

  it('are written with their three defining parts in class_parts.txt', async () => {
    const root = await writeSynthDataset({ out: tmp(), classes: 200, perClass: 1, size: 24, seed: 3 });
    const rows = fs.readFileSync(path.join(root, 'class_parts.txt'), 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
    const perClass = new Map<number, number[]>();
    for (const [c, p] of rows) perClass.set(c!, [...(perClass.get(c!) ?? []), p!]);
    expect(perClass.size).toBe(200);
    const named = makeClasses(200, new Rng(3 ^ 0x5eed));
    for (const [c, ids] of perClass) {
      const parts = Object.keys(named[c - 1]!.parts);
      expect(ids.length).toBe(parts.length + (parts.includes('wing') ? 1 : 0));
    }
    expect(readCub(path.dirname(root)).classNames).toHaveLength(200);
  });
});
