/**
 * ImageNette in the spec's layout (§5.1): the ImageNet dataset restricted to 10 WNIDs, from the ILSVRC-2012
 * archives (`ILSVRC2012_devkit_t12.tar.gz`, `ILSVRC2012_img_train.tar`, `ILSVRC2012_img_val.tar`) or an
 * already-parsed `train/`/`val/` tree. Archives are streamed once into that tree (only the chosen classes),
 * written to a temporary folder and renamed into place.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { log } from '@pixpnet/engine';
import { DatasetError } from './read_table.js';
import { readMat } from './mat.js';
import { IMAGENETTE_WNIDS, readImagenette } from './image_folder.js';
import type { DatasetIndex } from './types.js';

const DEVKIT = 'ILSVRC2012_devkit_t12.tar.gz', TRAIN = 'ILSVRC2012_img_train.tar', VAL = 'ILSVRC2012_img_val.tar';

/** The ILSVRC-2012 id → WNID table and the validation labels from the devkit. */
async function devkit(file: string): Promise<{ wnidById: Map<number, string>; valIds: number[] }> {
  const files = new Map<string, Buffer>();
  await tar.t({
    file,
    onReadEntry: (e) => {
      if (!/data\/(meta\.mat|ILSVRC2012_validation_ground_truth\.txt)$/.test(e.path)) return void e.resume();
      const chunks: Buffer[] = [];
      e.on('data', (c: Buffer) => chunks.push(c));
      e.on('end', () => files.set(path.basename(e.path), Buffer.concat(chunks)));
    },
  });
  const meta = files.get('meta.mat'), truth = files.get('ILSVRC2012_validation_ground_truth.txt');
  if (!meta || !truth) throw new DatasetError(`${file} lacks data/meta.mat or data/ILSVRC2012_validation_ground_truth.txt: is it the ILSVRC-2012 devkit (t12)?`);
  const synsets = readMat(new Uint8Array(meta), `${file}:data/meta.mat`)['synsets'];
  if (synsets?.kind !== 'struct') throw new DatasetError(`${file}: data/meta.mat has no 'synsets' struct array.`);
  const wnidById = new Map<number, string>();
  for (const s of synsets.items) {
    const id = s['ILSVRC2012_ID'], w = s['WNID'];
    if (id?.kind === 'numeric' && w?.kind === 'char') wnidById.set(id.data[0]!, w.value);
  }
  return { wnidById, valIds: truth.toString('utf8').split(/\s+/).filter(Boolean).map(Number) };
}

/**
 * Makes `<root>/train/<wnid>/…` and `<root>/val/<wnid>/…` for `wnids` from the archives in `root` (once), then
 * reads them. With a parsed tree already there, it just reads it.
 */
export async function loadImagenetSubset(root: string, wnids: readonly string[] = IMAGENETTE_WNIDS): Promise<DatasetIndex> {
  const parsed = fs.existsSync(path.join(root, 'train')) && fs.existsSync(path.join(root, 'val'));
  if (!parsed) {
    const missing = [DEVKIT, TRAIN, VAL].filter((f) => !fs.existsSync(path.join(root, f)));
    if (missing.length) {
      throw new DatasetError(`No ImageNet data in ${root}: neither train/ and val/ folders nor the archives (${missing.join(', ')} missing). ` +
        'Place the ILSVRC-2012 archives (image-net.org, after registration) or an extracted train/<wnid>/, val/<wnid>/ tree there.');
    }
    const keep = new Set(wnids);
    const tmp = path.join(root, `.parse-${process.pid}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    const { wnidById, valIds } = await devkit(path.join(root, DEVKIT));
    log.info(`Extracting ${wnids.length} classes from ${TRAIN} (this reads the whole archive once)`);
    const inner = path.join(tmp, 'class-tars');
    fs.mkdirSync(inner, { recursive: true });
    await tar.x({ file: path.join(root, TRAIN), cwd: inner, filter: (p) => keep.has(path.basename(p, '.tar')) });
    for (const w of wnids) {
      const t = path.join(inner, `${w}.tar`);
      if (!fs.existsSync(t)) throw new DatasetError(`${TRAIN} has no ${w}.tar: is ${w} an ILSVRC-2012 class?`);
      fs.mkdirSync(path.join(tmp, 'train', w), { recursive: true });
      await tar.x({ file: t, cwd: path.join(tmp, 'train', w) });
    }
    fs.rmSync(inner, { recursive: true, force: true });
    log.info(`Extracting their validation images from ${VAL}`);
    const valDir = path.join(tmp, 'val-all');
    fs.mkdirSync(valDir, { recursive: true });
    await tar.x({ file: path.join(root, VAL), cwd: valDir });
    const valFiles = fs.readdirSync(valDir).filter((f) => /\.jpe?g$/i.test(f)).sort();
    if (valFiles.length !== valIds.length) throw new DatasetError(`${VAL} holds ${valFiles.length} images but the devkit labels ${valIds.length}.`);
    valFiles.forEach((f, i) => {
      const w = wnidById.get(valIds[i]!);
      if (!w || !keep.has(w)) return;
      fs.mkdirSync(path.join(tmp, 'val', w), { recursive: true });
      fs.renameSync(path.join(valDir, f), path.join(tmp, 'val', w, f));
    });
    fs.rmSync(valDir, { recursive: true, force: true });
    fs.renameSync(path.join(tmp, 'train'), path.join(root, 'train'));
    fs.renameSync(path.join(tmp, 'val'), path.join(root, 'val'));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return readImagenette(root);
}
