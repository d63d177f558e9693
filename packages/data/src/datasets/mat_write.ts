/** A writer for MATLAB level-5 files (numbers, strings, cells, structs): test data and small exports. */
import { deflateSync } from 'node:zlib';

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

/** A MATLAB element being written (opaque). */
export type MatElement = Buffer;

/** A double scalar. */
export const matDouble = (v: number, name = ''): MatElement => { const b = Buffer.alloc(8); b.writeDoubleLE(v); return mat(name, 6, [1, 1], [el(9, b)]); };
/** A 1×N char array. */
export const matChar = (s: string, name = ''): MatElement => {
  const b = Buffer.alloc(2 * s.length);
  [...s].forEach((c, i) => b.writeUInt16LE(c.charCodeAt(0), 2 * i));
  return mat(name, 4, [1, s.length], [el(4, b)]);
};
/** A 1×N cell array. */
export const matCell = (items: MatElement[], name = ''): MatElement => mat(name, 1, [1, items.length], items);
/** A 1×N struct array. */
export function matStruct(fields: string[], rows: Array<Record<string, MatElement>>, name = ''): MatElement {
  const names = Buffer.alloc(32 * fields.length);
  fields.forEach((f, k) => names.write(f, 32 * k));
  return mat(name, 2, [1, rows.length], [el(5, i32([32])), el(1, names), ...rows.flatMap((r) => fields.map((f) => r[f]!))]);
}

/** A whole file of named variables (`compress`: zlib-compressed elements, as MATLAB's default -v7). */
export function writeMat(vars: MatElement[], compress = false): Uint8Array {
  const head = Buffer.alloc(128, ' ');
  head.write('MATLAB 5.0 MAT-file, written by PixPNet.js', 0);
  head.writeUInt16LE(0x0100, 124);
  head.write('IM', 126);
  return new Uint8Array(Buffer.concat([head, ...vars.map((v) => (compress ? el(15, deflateSync(v)) : v))]));
}
