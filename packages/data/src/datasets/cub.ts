/**
 * CUB-200-2011 (spec §5.1): the official `CUB_200_2011/` layout, the 200 classes, train/test split, bounding boxes,
 * and the 15 part locations merged into 12 parts (left/right eye, leg and wing become one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatasetError, readTable, readTableRows } from './read_table.js';
import { listedPath } from './listed_path.js';
import type { DatasetIndex, PartLocation, Sample } from './types.js';

/** The 12 merged CUB parts, by merged id. */
export const CUB_PARTS = ['back', 'beak', 'belly', 'breast', 'crown', 'forehead', 'eye', 'leg', 'wing', 'nape', 'tail', 'throat'];

/** Merged id of each original (0-based) CUB part: 15 parts, left/right eye, leg and wing merged. */
export const CUB_PART_MERGE = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 6, 7, 8, 10, 11];

const LAYOUT = 'Expected the CUB-200-2011 layout: <root>/CUB_200_2011/{images.txt, image_class_labels.txt, train_test_split.txt, ' +
  'classes.txt, bounding_boxes.txt, parts/part_locs.txt, images/<class>/<file>.jpg}. The archive CUB_200_2011.tgz comes from ' +
  'https://www.vision.caltech.edu/datasets/cub_200_2011/ (or make a synthetic one with `pixpnet data synth`).';

/** Options of {@link readCub}. */
export interface CubOptions {
  /** Read `parts/part_locs.txt` (default true). */
  parts?: boolean;
  /** Read `bounding_boxes.txt` (default true). */
  boxes?: boolean;
  /** Check that every listed image exists (default true). */
  checkFiles?: boolean;
  /**
   * Read `images.txt` entries that lie outside the dataset folder (`../`, an absolute path) as they are (default
   * false: such an entry is an error naming its line).
   */
  allowOutsideRoot?: boolean;
}

/** Finds the `CUB_200_2011` folder under `root` (or `root` itself). */
export function cubDir(root: string): string {
  for (const d of [path.join(root, 'CUB_200_2011'), root]) if (fs.existsSync(path.join(d, 'images.txt'))) return d;
  throw new DatasetError(`No CUB-200-2011 dataset under ${root}. ${LAYOUT}`);
}

/** CUB's class names: `001.Black_footed_Albatross` → `Black footed Albatross`. */
export function cubClassName(raw: string): string {
  return raw.replace(/^\d+\./, '').replace(/_/g, ' ');
}

/** Reads the CUB-200-2011 index under `root`. */
export function readCub(root: string, options: CubOptions = {}): DatasetIndex {
  const dir = cubDir(root);
  const f = (name: string) => path.join(dir, name);
  const images = readTableRows(f('images.txt'), 2, LAYOUT, { numeric: [0], integral: true, restIsText: true, unique: [0] })
    .map(({ fields: [id, rel], line }) => [id!, listedPath(dir, path.join(dir, 'images'), rel!, `${f('images.txt')}:${line}`, options)] as const);
  const labels = new Map(readTable(f('image_class_labels.txt'), 2, LAYOUT, { numeric: [0, 1], integral: true, unique: [0] }).map(([i, c]) => [+i!, +c! - 1]));
  const split = new Map(readTable(f('train_test_split.txt'), 2, LAYOUT, { numeric: [0, 1], integral: true, unique: [0] }).map(([i, t]) => [+i!, t === '1']));
  const classNames = readTable(f('classes.txt'), 2, LAYOUT, { numeric: [0], integral: true, restIsText: true, unique: [0] })
    .sort((a, b) => +a[0]! - +b[0]!).map(([, n]) => cubClassName(n!));
  const boxes = options.boxes === false ? undefined
    : new Map(readTable(f('bounding_boxes.txt'), 5, LAYOUT, { numeric: [0, 1, 2, 3, 4], integral: true, unique: [0] })
      .map(([i, x, y, w, h]) => [+i!, [+x!, +y!, +w!, +h!] as [number, number, number, number]]));
  const parts = new Map<number, PartLocation[]>();
  if (options.parts !== false) {
    const file = f('parts/part_locs.txt');
    for (const { fields: [i, p, x, y, v], line } of readTableRows(file, 5, LAYOUT, { numeric: [0, 1, 2, 3, 4], integral: true, unique: [0, 1] })) {
      const orig = +p! - 1;
      const merged = CUB_PART_MERGE[orig];
      if (merged === undefined) throw new DatasetError(`${file}:${line}: part id ${p} is not one of CUB's 15 parts. ${LAYOUT}`);
      if (v === '1' && (+x! < 0 || +y! < 0)) throw new DatasetError(`${file}:${line}: visible part ${p} of image ${i} at (${x}, ${y}) lies outside the image (negative coordinates). ${LAYOUT}`);
      const list = parts.get(+i!) ?? [];
      list.push({ partId: merged, partIdOrig: orig, x: +x!, y: +y!, visible: v === '1', source: `${file}:${line}` });
      parts.set(+i!, list);
    }
  }
  const samples: Sample[] = images.map(([id, file]) => {
    const n = +id!;
    const label = labels.get(n), train = split.get(n);
    if (label === undefined) throw new DatasetError(`${f('image_class_labels.txt')} has no class for image ${n}. ${LAYOUT}`);
    if (train === undefined) throw new DatasetError(`${f('train_test_split.txt')} has no split for image ${n}. ${LAYOUT}`);
    if (label < 0 || label >= classNames.length) throw new DatasetError(`${f('image_class_labels.txt')}: image ${n} has class ${label + 1}, not in classes.txt. ${LAYOUT}`);
    const s: Sample = { id: n, path: file, label, train };
    if (boxes) {
      const b = boxes.get(n);
      if (!b) throw new DatasetError(`${f('bounding_boxes.txt')} has no box for image ${n}. ${LAYOUT}`);
      s.bbox = b;
    }
    if (options.parts !== false) s.parts = parts.get(n) ?? [];
    return s;
  });
  if (options.checkFiles !== false) {
    const missing = samples.filter((s) => !fs.existsSync(s.path));
    if (missing.length) {
      throw new DatasetError(`${missing.length} image${missing.length > 1 ? 's' : ''} listed in ${f('images.txt')} ` +
        `${missing.length > 1 ? 'are' : 'is'} missing, e.g. ${missing.slice(0, 3).map((s) => s.path).join(', ')}. ${LAYOUT}`);
    }
  }
  return { name: 'CUB200', root: dir, classNames, samples, partNames: CUB_PARTS };
}
