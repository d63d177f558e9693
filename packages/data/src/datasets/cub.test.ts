import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCub } from './cub.js';
import { openDataset } from './registry.js';

/** Writes a two-class, three-image CUB tree in the official layout. */
function writeCub(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cub-'));
  const d = path.join(root, 'CUB_200_2011');
  fs.mkdirSync(path.join(d, 'parts'), { recursive: true });
  for (const c of ['001.Black_footed_Albatross', '002.Laysan_Albatross']) fs.mkdirSync(path.join(d, 'images', c), { recursive: true });
  const imgs = ['001.Black_footed_Albatross/a 1.jpg', '001.Black_footed_Albatross/b.jpg', '002.Laysan_Albatross/c.jpg'];
  imgs.forEach((p) => fs.writeFileSync(path.join(d, 'images', p), 'x'));
  fs.writeFileSync(path.join(d, 'images.txt'), imgs.map((p, i) => `${i + 1} ${p}`).join('\n') + '\n');
  fs.writeFileSync(path.join(d, 'classes.txt'), '1 001.Black_footed_Albatross\n2 002.Laysan_Albatross\n');
  fs.writeFileSync(path.join(d, 'image_class_labels.txt'), '1 1\n2 1\n3 2\n');
  fs.writeFileSync(path.join(d, 'train_test_split.txt'), '1 1\n2 0\n3 1\n');
  fs.writeFileSync(path.join(d, 'bounding_boxes.txt'), '1 10 20 30 40\n2 0 0 5 5\n3 1 2 3 4\n');
  fs.writeFileSync(path.join(d, 'parts', 'part_locs.txt'), '1 7 11 12 1\n1 11 13 14 1\n1 14 0 0 0\n3 2 5 6 1\n');
  return root;
}

describe('readCub', () => {
  it('reads classes, labels, splits, boxes and the 12 merged parts', () => {
    const ds = readCub(writeCub());
    expect(ds.classNames).toEqual(['Black footed Albatross', 'Laysan Albatross']);
    expect(ds.samples.map((s) => [s.id, s.label, s.train])).toEqual([[1, 0, true], [2, 0, false], [3, 1, true]]);
    expect(ds.samples[0]!.path.endsWith(path.join('images', '001.Black_footed_Albatross', 'a 1.jpg'))).toBe(true);
    expect(ds.samples[0]!.bbox).toEqual([10, 20, 30, 40]);
    // left eye (7) and right eye (11) both become merged part 6; tail (14) is 10
    const locs = path.join(ds.root, 'parts', 'part_locs.txt');
    expect(ds.samples[0]!.parts).toEqual([
      { partId: 6, partIdOrig: 6, x: 11, y: 12, visible: true, source: `${locs}:1` },
      { partId: 6, partIdOrig: 10, x: 13, y: 14, visible: true, source: `${locs}:2` },
      { partId: 10, partIdOrig: 13, x: 0, y: 0, visible: false, source: `${locs}:3` },
    ]);
    expect(ds.samples[1]!.parts).toEqual([]);
  });

  it('names the file, the line and the expected layout when something is wrong', () => {
    const root = writeCub();
    const d = path.join(root, 'CUB_200_2011');
    fs.writeFileSync(path.join(d, 'bounding_boxes.txt'), '1 10 20 30.5 40\n');
    expect(() => readCub(root)).toThrow(/bounding_boxes.txt:1: field 4 must be an integer, got '30.5'. Expected the CUB-200-2011 layout/);
    fs.rmSync(path.join(d, 'images', '002.Laysan_Albatross', 'c.jpg'));
    expect(() => readCub(root, { boxes: false })).toThrow(/1 image listed in .*images.txt is missing, e.g. .*c.jpg/);
    expect(() => readCub(os.tmpdir() + '/no-cub-here')).toThrow(/No CUB-200-2011 dataset under .*pixpnet data synth/);
  });

  it('refuses duplicate ids, naming both lines', () => {
    const root = writeCub();
    const d = path.join(root, 'CUB_200_2011');
    const labels = fs.readFileSync(path.join(d, 'image_class_labels.txt'), 'utf8').trim().split('\n');
    fs.writeFileSync(path.join(d, 'image_class_labels.txt'), [...labels, labels[0]].join('\n') + '\n');
    expect(() => readCub(root)).toThrow(new RegExp(`image_class_labels.txt:${labels.length + 1}: id 1 already appears on line 1`));
  });

  it('refuses a visible part at negative coordinates, naming the line', () => {
    const root = writeCub();
    fs.appendFileSync(path.join(root, 'CUB_200_2011', 'parts', 'part_locs.txt'), '2 4 -3 5 0\n2 5 -3 5 1\n');
    expect(() => readCub(root)).toThrow(/part_locs.txt:6: visible part 5 of image 2 at \(-3, 5\) lies outside the image/);
  });

  it("refuses an images.txt entry that leaves the dataset folder ('../', an absolute path), naming the file and line", () => {
    const root = writeCub(), d = path.join(root, 'CUB_200_2011'), list = path.join(d, 'images.txt');
    const outside = path.join(root, 'elsewhere.jpg');
    fs.writeFileSync(outside, 'x');
    const lines = fs.readFileSync(list, 'utf8').split('\n');
    for (const [entry, what] of [['../../elsewhere.jpg', 'outside the dataset folder'], ['001.Black_footed_Albatross/../../../elsewhere.jpg', 'outside the dataset folder'], [outside, 'an absolute path']]) {
      fs.writeFileSync(list, [lines[0], `2 ${entry}`, ...lines.slice(2)].join('\n'));
      expect(() => readCub(root), entry).toThrow(new RegExp(`images\\.txt:2: the image '${entry.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' is ${what} \\(${outside.replace(/[.]/g, '\\.')} is not in ${d.replace(/[.]/g, '\\.')}\\): list the image by its path inside the dataset folder, or, if you keep images elsewhere on purpose, allow it: --dataset\\.allow-outside-root`));
      expect(readCub(root, { allowOutsideRoot: true }).samples[1]!.path, entry).toBe(outside);
    }
    // '..' that stays inside, and a symbolic link inside the folder to an image elsewhere (the user's own choice): read
    fs.symlinkSync(outside, path.join(d, 'images', '002.Laysan_Albatross', 'link.jpg'));
    fs.writeFileSync(list, [lines[0], '2 001.Black_footed_Albatross/../002.Laysan_Albatross/link.jpg', ...lines.slice(2)].join('\n'));
    expect(readCub(root).samples[1]!.path).toBe(path.join(d, 'images', '002.Laysan_Albatross', 'link.jpg'));
  });

  it('openDataset refuses such an entry too, and passes allowOutsideRoot to the reader', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cub-open-'));
    const dir = path.join(root, 'cub200224');
    fs.cpSync(writeCub(), dir, { recursive: true });
    const list = path.join(dir, 'CUB_200_2011', 'images.txt');
    fs.writeFileSync(path.join(root, 'x.jpg'), 'x');
    fs.writeFileSync(list, fs.readFileSync(list, 'utf8').replace('001.Black_footed_Albatross/b.jpg', '../../../x.jpg'));
    await expect(openDataset('CUB200224', root)).rejects.toThrow(/images\.txt:2: the image '\.\.\/\.\.\/\.\.\/x\.jpg' is outside the dataset folder/);
    expect((await openDataset('CUB200224', root, { allowOutsideRoot: true })).index.samples[1]!.path).toBe(path.join(root, 'x.jpg'));
  });
});
