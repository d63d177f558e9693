/**
 * Stanford Cars (torchvision's layout): `stanford_cars/devkit/{cars_meta.mat, cars_train_annos.mat}`,
 * `cars_test_annos_withlabels.mat`, `cars_train/` and `cars_test/`. 196 classes, 0-based labels, boxes (spec §5.1).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatasetError } from './read_table.js';
import { readMat } from './mat.js';
import { listedPath } from './listed_path.js';
import type { MatValue } from './mat.js';
import type { DatasetIndex, Sample } from './types.js';

const LAYOUT = 'Expected <root>/stanford_cars/{devkit/cars_meta.mat, devkit/cars_train_annos.mat, cars_test_annos_withlabels.mat, ' +
  'cars_train/, cars_test/} (torchvision\'s StanfordCars layout; the data comes from the Stanford Cars page or its mirrors).';

const num = (v: MatValue | undefined): number => (v?.kind === 'numeric' ? v.data[0]! : NaN);
const str = (v: MatValue | undefined): string => (v?.kind === 'char' ? v.value : '');

function load(file: string): Record<string, MatValue> {
  if (!fs.existsSync(file)) throw new DatasetError(`Missing ${file}. ${LAYOUT}`);
  try {
    return readMat(new Uint8Array(fs.readFileSync(file)), file);
  } catch (e) {
    throw new DatasetError(`${(e as Error).message} ${LAYOUT}`);
  }
}

/** Reads Stanford Cars under `root` (or `root/stanford_cars`). */
export function readStanfordCars(root: string, options: { checkFiles?: boolean; allowOutsideRoot?: boolean } = {}): DatasetIndex {
  const dir = [path.join(root, 'stanford_cars'), root].find((d) => fs.existsSync(path.join(d, 'devkit')));
  if (!dir) throw new DatasetError(`No Stanford Cars under ${root}. ${LAYOUT}`);
  const meta = load(path.join(dir, 'devkit', 'cars_meta.mat'))['class_names'];
  if (meta?.kind !== 'cell') throw new DatasetError(`devkit/cars_meta.mat has no 'class_names' cell array. ${LAYOUT}`);
  const classNames = meta.items.map(str);
  const samples: Sample[] = [];
  for (const [file, folder, train] of [[path.join(dir, 'devkit', 'cars_train_annos.mat'), 'cars_train', true], [path.join(dir, 'cars_test_annos_withlabels.mat'), 'cars_test', false]] as const) {
    const ann = load(file)['annotations'];
    if (ann?.kind !== 'struct') throw new DatasetError(`${file} has no 'annotations' struct array. ${LAYOUT}`);
    for (const [k, a] of ann.items.entries()) {
      const label = num(a['class']) - 1;
      if (!(label >= 0 && label < classNames.length)) throw new DatasetError(`${file}: ${str(a['fname'])} has class ${label + 1}, outside 1–${classNames.length}. ${LAYOUT}`);
      const [x1, y1, x2, y2] = ['bbox_x1', 'bbox_y1', 'bbox_x2', 'bbox_y2'].map((k) => num(a[k]));
      const where = `${file}, annotation ${k + 1} (fname)`;
      samples.push({ id: samples.length, path: listedPath(dir, path.join(dir, folder), str(a['fname']), where, options), label, train, bbox: [x1! - 1, y1! - 1, x2! - x1! + 1, y2! - y1! + 1] });
    }
  }
  if (options.checkFiles !== false) {
    const missing = samples.filter((s) => !fs.existsSync(s.path));
    if (missing.length) throw new DatasetError(`${missing.length} listed image(s) are missing, e.g. ${missing.slice(0, 3).map((s) => s.path).join(', ')}. ${LAYOUT}`);
  }
  return { name: 'CARS', root: dir, classNames, samples };
}
