/**
 * torchvision-style ImageFolder (`<root>/<class>/<image>`, classes sorted by name), and the fast.ai ImageNette
 * release (`imagenette2-*` folders with `train/` and `val/` of WNID folders) with the spec's 10 classes in its order (spec §5.1).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatasetError } from './read_table.js';
import type { DatasetIndex, Sample } from './types.js';

/** File extensions read as images. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.gif', '.avif'];

/** Image files of `dir`, sorted (recursively, as torchvision does). */
function images(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Reads `<root>/<class>/<image>`; `classes` fixes the class order (default: folder names sorted). */
export function readImageFolder(root: string, options: { train?: boolean; classes?: string[]; name?: string } = {}): DatasetIndex {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new DatasetError(`No image folder at ${root}. Expected <root>/<class name>/<image files> (ImageFolder layout).`);
  }
  const found = fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const classes = options.classes ?? found;
  const missing = classes.filter((c) => !found.includes(c));
  if (missing.length) throw new DatasetError(`${root} lacks class folders ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`);
  let id = 0;
  const samples: Sample[] = [];
  classes.forEach((c, label) => {
    const files = images(path.join(root, c));
    for (const file of files) samples.push({ id: id++, path: file, label, train: options.train ?? true });
  });
  if (!samples.length) throw new DatasetError(`${root} holds no images (${IMAGE_EXTENSIONS.join(', ')}) in its class folders.`);
  return { name: options.name ?? 'IMAGEFOLDER', root, classNames: classes, samples };
}

/** The ImageNette WNIDs, in the spec's label order. */
export const IMAGENETTE_WNIDS = ['n01440764', 'n02102040', 'n02979186', 'n03000684', 'n03028079', 'n03394916', 'n03417042', 'n03425413', 'n03445777', 'n03888257'];
/** Their names. */
export const IMAGENETTE_NAMES = ['tench', 'English springer', 'cassette player', 'chain saw', 'church', 'French horn', 'garbage truck', 'gas pump', 'golf ball', 'parachute'];

/** Reads the fast.ai ImageNette release (`train/` and `val/` of WNID folders) under `root`. */
export function readImagenette(root: string): DatasetIndex {
  const base = ['', 'imagenette2', 'imagenette2-320', 'imagenette2-160'].map((d) => path.join(root, d)).find((d) => fs.existsSync(path.join(d, 'train')) && fs.existsSync(path.join(d, 'val')));
  if (!base) {
    throw new DatasetError(`No ImageNette under ${root}. Expected <root>/imagenette2*/{train,val}/<wnid>/*.JPEG (the fast.ai release, ` +
      'https://github.com/fastai/imagenette), with the 10 WNIDs ' + IMAGENETTE_WNIDS.join(' ') + '.');
  }
  return { ...readTrainVal(base, { classes: IMAGENETTE_WNIDS, name: 'IMAGENETTE' }), classNames: IMAGENETTE_NAMES };
}

/**
 * Reads `<root>/train/<class>/…` (training images) and `<root>/val/<class>/…` (test images) as one index, with the
 * same classes (default: the training folder's, sorted) and ids running on from train into val.
 */
export function readTrainVal(root: string, options: { classes?: string[]; name?: string } = {}): DatasetIndex {
  const tr = readImageFolder(path.join(root, 'train'), { ...options, train: true });
  const va = readImageFolder(path.join(root, 'val'), { ...options, classes: tr.classNames, train: false });
  return { ...tr, root, samples: [...tr.samples, ...va.samples.map((s, i) => ({ ...s, id: tr.samples.length + i }))] };
}
