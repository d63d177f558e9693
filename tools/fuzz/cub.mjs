/** Fuzzing the CUB-200-2011 index readers (@pixpnet/data `readCub`): a valid tree with one file damaged. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCub } from '@pixpnet/data';
import { isMain, judge, main } from './harness.mjs';

export const name = 'cub';

const IMAGES = ['001.A/a 1.jpg', '001.A/b.jpg', '002.B/c.jpg', '002.B/d.jpg'];
const BASE = {
  'images.txt': IMAGES.map((p, i) => `${i + 1} ${p}`),
  'classes.txt': ['1 001.A', '2 002.B'],
  'image_class_labels.txt': ['1 1', '2 1', '3 2', '4 2'],
  'train_test_split.txt': ['1 1', '2 0', '3 1', '4 0'],
  'bounding_boxes.txt': ['1 10 20 30 40', '2 0 0 5 5', '3 1 2 3 4', '4 0.0 1.5 2 2'],
  'parts/part_locs.txt': ['1 7 11 12 1', '1 11 13 14 1', '1 14 0 0 0', '3 2 5.0 6.0 1', '4 15 1 1 1'],
};
let root = '';

/** Writes the tree (the images once, as tiny files), with `files` as the tables; undefined leaves a table out. */
function write(files) {
  const d = path.join(root, 'CUB_200_2011');
  if (!root) {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'fuzz-cub-'));
    return write(files);
  }
  if (!fs.existsSync(path.join(d, 'images'))) {
    fs.mkdirSync(path.join(d, 'parts'), { recursive: true });
    for (const c of ['001.A', '002.B']) fs.mkdirSync(path.join(d, 'images', c), { recursive: true });
    for (const p of IMAGES) fs.writeFileSync(path.join(d, 'images', p), 'x');
  }
  for (const [f, text] of Object.entries(files)) {
    if (text === undefined) fs.rmSync(path.join(d, f), { force: true });
    else fs.writeFileSync(path.join(d, f), text);
  }
  return root;
}

function valid(ds) {
  const C = ds.classNames.length;
  for (const s of ds.samples) {
    if (!Number.isInteger(s.label) || s.label < 0 || s.label >= C) return `sample ${s.id}: label ${s.label} of ${C} classes`;
    if (!fs.existsSync(s.path)) return `sample ${s.id}: ${s.path} does not exist`;
    if (s.bbox && !s.bbox.every(Number.isFinite)) return `sample ${s.id}: bbox ${s.bbox}`;
    for (const p of s.parts ?? []) if (!(p.partId >= 0 && p.partId < 12) || !Number.isFinite(p.x) || !Number.isFinite(p.y)) return `sample ${s.id}: part ${JSON.stringify(p)}`;
  }
  if (new Set(ds.samples.map((s) => s.id)).size !== ds.samples.length) return 'duplicate sample ids';
  return '';
}

export function property(fc) {
  const token = fc.oneof(fc.integer({ min: -3, max: 20 }).map(String), fc.constantFrom('0', '1', '1.5', '-0', '1e400', 'NaN', 'Infinity', '0x10', '', ' ', '\t', '001.A', '002.B/c.jpg', '../x', '1 1', '\r'),
    fc.string({ maxLength: 6 }));
  const line = fc.array(token, { maxLength: 6 }).map((t) => t.join(' '));
  const edit = fc.oneof(
    fc.record({ op: fc.constant('replace'), at: fc.nat(), line }),
    fc.record({ op: fc.constant('insert'), at: fc.nat(), line }),
    fc.record({ op: fc.constant('delete'), at: fc.nat() }),
    fc.record({ op: fc.constant('duplicate'), at: fc.nat() }),
  );
  const damage = fc.tuple(fc.constantFrom(...Object.keys(BASE)), fc.oneof(fc.array(edit, { minLength: 1, maxLength: 3 }), fc.constant('remove'), fc.string({ maxLength: 30 })));
  return fc.asyncProperty(fc.option(damage, { freq: 8 }), (dmg) => {
    const files = Object.fromEntries(Object.entries(BASE).map(([f, lines]) => [f, [...lines]]));
    if (dmg) {
      const [f, how] = dmg;
      if (how === 'remove') files[f] = undefined;
      else if (typeof how === 'string') files[f] = [how];
      else for (const e of how) {
        const lines = files[f], i = lines.length ? e.at % (lines.length + (e.op === 'insert' ? 1 : 0)) : 0;
        if (e.op === 'replace' && lines.length) lines[i] = e.line;
        else if (e.op === 'insert') lines.splice(i, 0, e.line);
        else if (e.op === 'delete') lines.splice(i, 1);
        else if (e.op === 'duplicate' && lines.length) lines.splice(i, 0, lines[i]);
      }
    }
    const dir = write(Object.fromEntries(Object.entries(files).map(([f, l]) => [f, l === undefined ? undefined : `${l.join('\n')}\n`])));
    return judge(() => readCub(dir), { valid, names: dir });
  });
}

if (isMain(import.meta.url)) await main({ name, property });
