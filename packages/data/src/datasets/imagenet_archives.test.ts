import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { loadImagenetSubset } from './imagenet_archives.js';
import { IMAGENETTE_WNIDS } from './image_folder.js';
import { matChar, matDouble, matStruct, writeMat } from './mat_write.js';

/** Tiny ILSVRC-2012 archives: the 10 ImageNette classes plus one other, one train and one val image each. */
async function writeArchives(): Promise<string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ilsvrc-'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ilsvrc-work-'));
  const wnids = [...IMAGENETTE_WNIDS, 'n09999999'];
  fs.mkdirSync(path.join(work, 'ILSVRC2012_devkit_t12', 'data'), { recursive: true });
  fs.writeFileSync(path.join(work, 'ILSVRC2012_devkit_t12', 'data', 'meta.mat'),
    writeMat([matStruct(['ILSVRC2012_ID', 'WNID'], wnids.map((w, i) => ({ ILSVRC2012_ID: matDouble(i + 1), WNID: matChar(w) })), 'synsets')], true));
  // val images are labelled in name order; give them reversed ids
  fs.writeFileSync(path.join(work, 'ILSVRC2012_devkit_t12', 'data', 'ILSVRC2012_validation_ground_truth.txt'), wnids.map((_, i) => String(wnids.length - i)).join('\n') + '\n');
  await tar.c({ gzip: true, file: path.join(root, 'ILSVRC2012_devkit_t12.tar.gz'), cwd: work }, ['ILSVRC2012_devkit_t12']);
  fs.mkdirSync(path.join(work, 'train'));
  for (const w of wnids) {
    fs.mkdirSync(path.join(work, w));
    fs.writeFileSync(path.join(work, w, `${w}_1.JPEG`), 'x');
    await tar.c({ file: path.join(work, 'train', `${w}.tar`), cwd: path.join(work, w) }, [`${w}_1.JPEG`]);
  }
  await tar.c({ file: path.join(root, 'ILSVRC2012_img_train.tar'), cwd: path.join(work, 'train') }, wnids.map((w) => `${w}.tar`));
  fs.mkdirSync(path.join(work, 'val'));
  const names = wnids.map((_, i) => `ILSVRC2012_val_${String(i + 1).padStart(8, '0')}.JPEG`);
  names.forEach((n) => fs.writeFileSync(path.join(work, 'val', n), 'x'));
  await tar.c({ file: path.join(root, 'ILSVRC2012_img_val.tar'), cwd: path.join(work, 'val') }, names);
  return root;
}

describe('ImageNette from the ILSVRC-2012 archives (spec §5.1)', () => {
  it('extracts the 10 classes once into train/ and val/ and reads them', async () => {
    const root = await writeArchives();
    const ds = await loadImagenetSubset(root);
    expect(fs.readdirSync(path.join(root, 'train')).sort()).toEqual([...IMAGENETTE_WNIDS].sort());
    expect(ds.samples.filter((s) => s.train)).toHaveLength(10);
    const val = ds.samples.filter((s) => !s.train);
    expect(val).toHaveLength(10); // the 11th class is left out
    // val image k has id 11-k: image 1 is class id 11 (n09999999, dropped), image 2 is id 10 = the last ImageNette WNID
    expect(val.find((s) => s.path.endsWith('00000002.JPEG'))!.label).toBe(9);
    expect((await loadImagenetSubset(root)).samples).toHaveLength(20); // the parsed tree is reused
  });

  it('says what is missing', async () => {
    await expect(loadImagenetSubset(fs.mkdtempSync(path.join(os.tmpdir(), 'empty-')))).rejects.toThrow(/neither train\/ and val\/ folders nor the archives/);
  });
});
