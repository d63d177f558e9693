import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMAGENETTE_WNIDS, readImageFolder, readImagenette } from './image_folder.js';
import { readCifar10 } from './cifar10.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'readers-'));

describe('ImageFolder and ImageNette', () => {
  it('reads classes in sorted order, recursively, images only', () => {
    const root = tmp();
    for (const [c, files] of [['b_dogs', ['x.png', 'sub/y.JPG', 'notes.txt']], ['a_cats', ['z.jpeg']]] as const) {
      for (const f of files) {
        fs.mkdirSync(path.dirname(path.join(root, c, f)), { recursive: true });
        fs.writeFileSync(path.join(root, c, f), 'x');
      }
    }
    const ds = readImageFolder(root);
    expect(ds.classNames).toEqual(['a_cats', 'b_dogs']);
    expect(ds.samples.map((s) => [path.relative(root, s.path), s.label])).toEqual([['a_cats/z.jpeg', 0], ['b_dogs/sub/y.JPG', 1], ['b_dogs/x.png', 1]]);
    expect(() => readImageFolder(path.join(root, 'nope'))).toThrow(/No image folder at .*ImageFolder layout/);
  });

  it('reads the fast.ai ImageNette release with the spec\'s label order', () => {
    const root = tmp();
    for (const split of ['train', 'val']) for (const w of IMAGENETTE_WNIDS) {
      fs.mkdirSync(path.join(root, 'imagenette2-160', split, w), { recursive: true });
      fs.writeFileSync(path.join(root, 'imagenette2-160', split, w, `${w}_1.JPEG`), 'x');
    }
    const ds = readImagenette(root);
    expect(ds.classNames[0]).toBe('tench');
    expect(ds.samples).toHaveLength(20);
    expect(ds.samples.filter((s) => !s.train).map((s) => s.label)).toEqual([...Array(10).keys()]);
    expect(() => readImagenette(tmp())).toThrow(/No ImageNette under .*fast.ai release/);
  });
});

describe('CIFAR-10 binary batches', () => {
  it('reads labels and planar RGB into interleaved pixels, and rejects damaged files', () => {
    const root = tmp();
    const dir = path.join(root, 'cifar-10-batches-bin');
    fs.mkdirSync(dir);
    const record = (label: number, r: number, g: number, b: number) => Buffer.concat([Buffer.from([label]), Buffer.alloc(1024, r), Buffer.alloc(1024, g), Buffer.alloc(1024, b)]);
    for (let i = 1; i <= 5; i++) fs.writeFileSync(path.join(dir, `data_batch_${i}.bin`), record(i, 10, 20, 30));
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), Buffer.concat([record(9, 1, 2, 3), record(0, 4, 5, 6)]));
    const ds = readCifar10(root);
    expect(ds.samples).toHaveLength(7);
    expect(ds.samples.map((s) => [s.label, s.train])).toEqual([[1, true], [2, true], [3, true], [4, true], [5, true], [9, false], [0, false]]);
    expect(Array.from(ds.samples[5]!.pixels!.data.subarray(0, 6))).toEqual([1, 2, 3, 1, 2, 3]);
    fs.writeFileSync(path.join(dir, 'test_batch.bin'), Buffer.alloc(100));
    expect(() => readCifar10(root)).toThrow(/test_batch.bin has 100 bytes, not a multiple of 3073/);
  });
});
