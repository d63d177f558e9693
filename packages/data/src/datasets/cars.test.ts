import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStanfordCars } from './cars.js';
import { readMat } from './mat.js';
import { matCell, matChar, matDouble, matStruct, writeMat } from './mat_write.js';

const dbl = (v: number) => matDouble(v);
const chr = (v: string) => matChar(v);
const cell = (name: string, items: Buffer[]) => matCell(items, name);
const struct = (name: string, fields: string[], rows: Array<Record<string, Buffer>>) => matStruct(fields, rows, name);
const file = (vars: Buffer[], compress = false) => writeMat(vars, compress);

function writeCars(trainNames = ['00001.jpg', '00002.jpg']): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cars-'));
  const d = path.join(root, 'stanford_cars');
  for (const f of ['devkit', 'cars_train', 'cars_test']) fs.mkdirSync(path.join(d, f), { recursive: true });
  fs.writeFileSync(path.join(d, 'devkit', 'cars_meta.mat'), file([cell('class_names', [chr('AM General Hummer SUV 2000'), chr('Acura RL Sedan 2012')])], true));
  const ann = (fname: string, cls: number) => ({ bbox_x1: dbl(11), bbox_y1: dbl(21), bbox_x2: dbl(50), bbox_y2: dbl(60), class: dbl(cls), fname: chr(fname) });
  const fields = ['bbox_x1', 'bbox_y1', 'bbox_x2', 'bbox_y2', 'class', 'fname'];
  fs.writeFileSync(path.join(d, 'devkit', 'cars_train_annos.mat'), file([struct('annotations', fields, [ann(trainNames[0]!, 1), ann(trainNames[1]!, 2)])]));
  fs.writeFileSync(path.join(d, 'cars_test_annos_withlabels.mat'), file([struct('annotations', fields, [ann('00001.jpg', 2)])], true));
  for (const f of ['cars_train/00001.jpg', 'cars_train/00002.jpg', 'cars_test/00001.jpg']) fs.writeFileSync(path.join(d, f), 'x');
  return root;
}

describe('Stanford Cars', () => {
  it('reads the devkit (.mat files, plain and compressed), labels and boxes', () => {
    const ds = readStanfordCars(writeCars());
    expect(ds.classNames).toEqual(['AM General Hummer SUV 2000', 'Acura RL Sedan 2012']);
    expect(ds.samples.map((s) => [path.basename(s.path), s.label, s.train])).toEqual([['00001.jpg', 0, true], ['00002.jpg', 1, true], ['00001.jpg', 1, false]]);
    expect(ds.samples[0]!.bbox).toEqual([10, 20, 40, 40]); // 1-based inclusive corners → [x, y, w, h]
  });

  it('names missing or damaged files', () => {
    const root = writeCars();
    const meta = path.join(root, 'stanford_cars', 'devkit', 'cars_meta.mat');
    fs.writeFileSync(meta, 'not a mat file');
    expect(() => readStanfordCars(root)).toThrow(/cars_meta.mat is not a little-endian MATLAB level-5 file/);
    fs.rmSync(meta);
    expect(() => readStanfordCars(root)).toThrow(/Missing .*cars_meta.mat. Expected <root>\/stanford_cars/);
    expect(() => readMat(new Uint8Array(10))).toThrow(/not a little-endian MATLAB level-5 file/);
  });

  it("refuses an annotation whose fname leaves the dataset folder, naming the file and the entry; allowOutsideRoot reads it", () => {
    const root = writeCars(['00001.jpg', '../../outside.jpg']);
    fs.writeFileSync(path.join(root, 'outside.jpg'), 'x');
    expect(() => readStanfordCars(root)).toThrow(/cars_train_annos\.mat, annotation 2 \(fname\): the image '\.\.\/\.\.\/outside\.jpg' is outside the dataset folder .*--dataset\.allow-outside-root/);
    expect(readStanfordCars(root, { allowOutsideRoot: true }).samples[1]!.path).toBe(path.join(root, 'outside.jpg'));
  });
});
