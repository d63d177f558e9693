import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readStanfordCars } from './cars.js';
import { readMat } from './mat.js';

// a minimal MATLAB level-5 writer, enough to write the devkit's files
const pad8 = (b: Buffer) => Buffer.concat([b, Buffer.alloc((8 - (b.length % 8)) % 8)]);
function el(type: number, body: Buffer): Buffer {
  const tag = Buffer.alloc(8);
  tag.writeUInt32LE(type, 0);
  tag.writeUInt32LE(body.length, 4);
  return Buffer.concat([tag, pad8(body)]);
}
const i32 = (xs: number[]) => { const b = Buffer.alloc(4 * xs.length); xs.forEach((x, i) => b.writeInt32LE(x, 4 * i)); return b; };
const u32 = (xs: number[]) => { const b = Buffer.alloc(4 * xs.length); xs.forEach((x, i) => b.writeUInt32LE(x, 4 * i)); return b; };
function mat(name: string, cls: number, dims: number[], payload: Buffer[]): Buffer {
  return el(14, Buffer.concat([el(6, u32([cls, 0])), el(5, i32(dims)), el(1, Buffer.from(name)), ...payload]));
}
const dbl = (v: number, name = '') => { const b = Buffer.alloc(8); b.writeDoubleLE(v); return mat(name, 6, [1, 1], [el(9, b)]); };
const chr = (s: string, name = '') => { const b = Buffer.alloc(2 * s.length); [...s].forEach((c, i) => b.writeUInt16LE(c.charCodeAt(0), 2 * i)); return mat(name, 4, [1, s.length], [el(4, b)]); };
const cell = (name: string, items: Buffer[]) => mat(name, 1, [1, items.length], items);
function struct(name: string, fields: string[], rows: Array<Record<string, Buffer>>): Buffer {
  const names = Buffer.alloc(32 * fields.length);
  fields.forEach((f, k) => names.write(f, 32 * k));
  return mat(name, 2, [1, rows.length], [el(5, i32([32])), el(1, names), ...rows.flatMap((r) => fields.map((f) => r[f]!))]);
}
function file(vars: Buffer[], compress = false): Buffer {
  const head = Buffer.alloc(128, ' ');
  head.write('MATLAB 5.0 MAT-file, written by the PixPNet tests', 0);
  head.writeUInt16LE(0x0100, 124);
  head.write('IM', 126);
  return Buffer.concat([head, ...vars.map((v) => (compress ? el(15, deflateSync(v)) : v))]);
}

function writeCars(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cars-'));
  const d = path.join(root, 'stanford_cars');
  for (const f of ['devkit', 'cars_train', 'cars_test']) fs.mkdirSync(path.join(d, f), { recursive: true });
  fs.writeFileSync(path.join(d, 'devkit', 'cars_meta.mat'), file([cell('class_names', [chr('AM General Hummer SUV 2000'), chr('Acura RL Sedan 2012')])], true));
  const ann = (fname: string, cls: number) => ({ bbox_x1: dbl(11), bbox_y1: dbl(21), bbox_x2: dbl(50), bbox_y2: dbl(60), class: dbl(cls), fname: chr(fname) });
  const fields = ['bbox_x1', 'bbox_y1', 'bbox_x2', 'bbox_y2', 'class', 'fname'];
  fs.writeFileSync(path.join(d, 'devkit', 'cars_train_annos.mat'), file([struct('annotations', fields, [ann('00001.jpg', 1), ann('00002.jpg', 2)])]));
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
});
