/**
 * Writes the synthetic parts dataset as a CUB-200-2011 tree (`CUB_200_2011/…`) that `readCub` loads unchanged,
 * plus `class_parts.txt` (class id, CUB part id) naming the parts that define each class. Same options and seed →
 * byte-identical files.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Rng } from '@pixpnet/engine';
import { CUB_IDS, MAX_CLASSES, drawBackground, drawBird, drawScatteredBird, makeClasses } from './bird.js';
import type { Bird, DefiningPart, Distractors } from './bird.js';
import { drawScene } from './scene.js';

/**
 * Where the bird is and what surrounds it: `centred` (the original set: a large bird, 0.75–1.05 scale, near the
 * centre, a light background with up to two shapes in front) or `scattered` (the harder set: scale 0.4–1.0 at any
 * position inside the image, background clutter and loose distractor parts, nothing in front of the bird).
 */
export type SynthLayout = 'centred' | 'scattered';

/** The layouts, in the order the CLI lists them. */
export const SYNTH_LAYOUTS: readonly SynthLayout[] = ['centred', 'scattered'];

/** Default image size of each layout. */
export const SYNTH_DEFAULT_SIZE: Record<SynthLayout, number> = { centred: 64, scattered: 128 };

/** Smallest image size of each layout (the scattered layout's smallest birds are 0.4 of the image). */
export const SYNTH_MIN_SIZE: Record<SynthLayout, number> = { centred: 24, scattered: 64 };

/** Options of {@link writeSynthDataset}. */
export interface SynthOptions {
  /** Output folder; `CUB_200_2011/` is created inside it. */
  out: string;
  /** Number of classes (default 10; at most 200, as CUB-200-2011). */
  classes?: number;
  /** Images per class (default 40). */
  perClass?: number;
  /** Image size in pixels (default 64 for the `centred` layout, 128 for `scattered`). */
  size?: number;
  seed?: number;
  /** Fraction of each class used for training (default 0.5, as CUB). */
  trainFraction?: number;
  /** How the non-defining parts look (default `random`: the hard version). */
  distractors?: Distractors;
  /** Where the bird is and what surrounds it (default `centred`: the original set, byte for byte). */
  layout?: SynthLayout;
  /**
   * Images of varied sizes and aspect ratios, as CUB's (scattered layout only): the longer side 0.8–1 × `size`, the
   * aspect 1.15–1.5, a quarter of them portrait — about 500 × 375 at `size` 500. Default: `size`-pixel squares.
   */
  variedSizes?: boolean;
}

/** Smallest `size` with {@link SynthOptions.variedSizes}: the shortest side stays at least the scattered layout's minimum. */
export const SYNTH_MIN_VARIED_SIZE = 120;

/** Width and height of image `id` with varied sizes (its own seeded draws: the drawing's draws are unchanged). */
export function variedCanvas(size: number, seed: number, id: number): { width: number; height: number } {
  const rng = new Rng(((seed * 1000003 + id * 7919) ^ 0x51ce5) >>> 0);
  const long = Math.round(size * rng.range(0.8, 1)), short = Math.round(long / rng.range(1.15, 1.5));
  return rng.next() < 0.25 ? { width: short, height: long } : { width: long, height: short };
}

const PART_NAMES = ['back', 'beak', 'belly', 'breast', 'crown', 'forehead', 'left eye', 'left leg', 'left wing', 'nape', 'right eye',
  'right leg', 'right wing', 'tail', 'throat'];

/** The CUB part ids of a defining part (both sides for the wing). */
const DEFINING_IDS: Record<DefiningPart, number[]> = {
  beak: [CUB_IDS.beak], wing: [CUB_IDS.leftWing, CUB_IDS.rightWing], tail: [CUB_IDS.tail], crown: [CUB_IDS.crown],
};

/** Writes the dataset and returns the folder readCub reads. */
export async function writeSynthDataset(options: SynthOptions): Promise<string> {
  const { layout = 'centred' } = options;
  if (!SYNTH_LAYOUTS.includes(layout)) throw new Error(`synth: layout must be ${SYNTH_LAYOUTS.map((l) => `'${l}'`).join(' or ')}, got '${layout}'.`);
  const { classes = 10, perClass = 40, size = SYNTH_DEFAULT_SIZE[layout], seed = 0, trainFraction = 0.5, distractors = 'random', variedSizes = false } = options;
  if (variedSizes && layout !== 'scattered') throw new Error('synth: varied sizes need the scattered layout (--layout scattered): the centred layout draws squares.');
  if (variedSizes && size < SYNTH_MIN_VARIED_SIZE) {
    throw new Error(`synth: size ${size} is too small for varied sizes, whose shortest sides are down to 0.53 of it; use at least ${SYNTH_MIN_VARIED_SIZE}.`);
  }
  if (distractors !== 'random' && distractors !== 'plain') throw new Error(`synth: distractors must be 'random' or 'plain', got '${distractors}'.`);
  for (const [k, v] of Object.entries({ classes, perClass, size })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`synth: ${k} must be a whole number ≥ 1, got ${v}.`);
  }
  if (classes > MAX_CLASSES) throw new Error(`synth: classes must be at most ${MAX_CLASSES} (as CUB-200-2011; every class a distinct set of defining parts), got ${classes}.`);
  if (size < SYNTH_MIN_SIZE[layout]) {
    throw new Error(layout === 'centred' ? `synth: size ${size} is too small to draw parts; use at least 24.`
      : `synth: size ${size} is too small for the scattered layout, whose smallest birds are 0.4 of the image; use at least ${SYNTH_MIN_SIZE.scattered} (or the centred layout).`);
  }
  if (size > 4096) throw new Error(`synth: size ${size} is larger than the 4096 px the renderer takes; use at most 4096.`);
  const root = path.join(options.out, 'CUB_200_2011');
  if (fs.existsSync(path.join(root, 'images.txt'))) throw new Error(`${root} already holds a dataset: choose an empty --out folder or remove it.`);
  if (fs.existsSync(root) && fs.readdirSync(root).length) {
    throw new Error(`${root} holds an incomplete dataset (files but no images.txt): remove that folder to generate the synthetic set again, or choose another --out.`);
  }
  const tmp = `${root}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    await writeInto(tmp, { classes, perClass, size, seed, trainFraction, distractors, layout, variedSizes });
    fs.rmSync(root, { recursive: true, force: true }); // an empty folder, if any
    fs.renameSync(tmp, root);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true }); // never leave a half-written copy behind
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new Error(`Could not write the synthetic dataset to ${root}: ${code === 'EDQUOT' ? 'the disk quota is used up' : 'no space is left on the device'} (${code}); nothing was kept. Free some space (df -h ${options.out}) or choose another folder, and run the command again.`);
    }
    throw e;
  }
  return root;
}

/** Writes every file of the dataset into `tmp`. */
async function writeInto(tmp: string, o: Required<Omit<SynthOptions, 'out'>>): Promise<void> {
  const { classes, perClass, size, seed, trainFraction, distractors, layout, variedSizes } = o;
  fs.mkdirSync(path.join(tmp, 'parts'), { recursive: true });
  const specs = makeClasses(classes, new Rng(seed ^ 0x5eed));
  const lines = { images: [] as string[], labels: [] as string[], split: [] as string[], boxes: [] as string[], parts: [] as string[] };
  let id = 0;
  for (let c = 0; c < classes; c++) {
    const dirName = `${String(c + 1).padStart(3, '0')}.${specs[c]!.name.replace(/[^A-Za-z0-9]+/g, '_')}`;
    fs.mkdirSync(path.join(tmp, 'images', dirName), { recursive: true });
    for (let k = 0; k < perClass; k++) {
      id++;
      const rng = new Rng((seed * 1000003 + id * 7919) >>> 0);
      let bird: Bird, body: string;
      const { width, height } = variedSizes ? variedCanvas(size, seed, id) : { width: size, height: size };
      if (layout === 'scattered') {
        const canvas = variedSizes ? { width, height } : size;
        const b = drawScatteredBird(specs[c]!, canvas, rng, distractors);
        [bird, body] = [b, `${drawScene(canvas, rng, b)}${b.svg}`];
      } else {
        const bg = drawBackground(size, rng);
        bird = drawBird(specs[c]!, size, rng, distractors);
        body = `${bg.back}${bird.svg}${bg.front}`;
      }
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
      const rel = `${dirName}/synth_${String(id).padStart(5, '0')}.png`;
      const png = await sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer();
      fs.writeFileSync(path.join(tmp, 'images', rel), png);
      lines.images.push(`${id} ${rel}`);
      lines.labels.push(`${id} ${c + 1}`);
      lines.split.push(`${id} ${k < Math.round(perClass * trainFraction) ? 1 : 0}`);
      lines.boxes.push(`${id} ${bird.bbox.join(' ')}`);
      for (let p = 1; p <= 15; p++) {
        const kp = bird.keypoints.get(p) ?? { x: 0, y: 0, visible: false };
        lines.parts.push(`${id} ${p} ${kp.x} ${kp.y} ${kp.visible ? 1 : 0}`);
      }
    }
  }
  const w = (name: string, rows: string[]) => fs.writeFileSync(path.join(tmp, name), rows.join('\n') + '\n');
  w('images.txt', lines.images);
  w('image_class_labels.txt', lines.labels);
  w('train_test_split.txt', lines.split);
  w('bounding_boxes.txt', lines.boxes);
  w('parts/part_locs.txt', lines.parts);
  w('parts/parts.txt', PART_NAMES.map((n, i) => `${i + 1} ${n}`));
  w('classes.txt', specs.map((s, c) => `${c + 1} ${String(c + 1).padStart(3, '0')}.${s.name.replace(/[^A-Za-z0-9]+/g, '_')}`));
  w('class_parts.txt', specs.flatMap((s, c) => (Object.keys(s.parts) as DefiningPart[]).flatMap((p) => DEFINING_IDS[p].map((pid) => `${c + 1} ${pid}`))));
  w('README.txt', [`Synthetic parts dataset (PixPNet.js): ${classes} classes x ${perClass} images, ${variedSizes ? `varied sizes up to ${size}px` : `${size}px`}, seed ${seed}${distractors === 'plain' ? ', plain distractors' : ''}${layout === 'scattered' ? ', scattered layout' : ''}.`,
    'CUB-200-2011 layout; class_parts.txt lists the CUB part ids that define each class.']);
}
