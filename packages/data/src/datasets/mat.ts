/**
 * A reader for MATLAB level-5 `.mat` files (the Stanford Cars devkit): numeric arrays, char arrays, cells and
 * structs, plain or zlib-compressed (`miCOMPRESSED`), little-endian.
 */
import { inflateSync } from 'node:zlib';

/** A MATLAB value: numbers (column-major `data` with `dims`), a string, a cell array, or a struct array. */
export type MatValue =
  | { kind: 'numeric'; dims: number[]; data: number[] }
  | { kind: 'char'; value: string }
  | { kind: 'cell'; dims: number[]; items: MatValue[] }
  | { kind: 'struct'; dims: number[]; fields: string[]; items: Array<Record<string, MatValue>> };

const TYPES: Record<number, [number, (v: DataView, o: number) => number]> = {
  1: [1, (v, o) => v.getInt8(o)], 2: [1, (v, o) => v.getUint8(o)], 3: [2, (v, o) => v.getInt16(o, true)], 4: [2, (v, o) => v.getUint16(o, true)],
  5: [4, (v, o) => v.getInt32(o, true)], 6: [4, (v, o) => v.getUint32(o, true)], 7: [4, (v, o) => v.getFloat32(o, true)],
  9: [8, (v, o) => v.getFloat64(o, true)], 12: [8, (v, o) => Number(v.getBigInt64(o, true))], 13: [8, (v, o) => Number(v.getBigUint64(o, true))],
  16: [1, (v, o) => v.getUint8(o)],
};

interface Element {
  type: number;
  body: Uint8Array;
  next: number;
}

function element(buf: Uint8Array, at: number, file: string): Element {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (at + 8 > buf.length) throw new Error(`${file}: truncated MAT element at byte ${at}`);
  const first = v.getUint32(at, true);
  if (first >>> 16 !== 0) { // small data element: type and size in one word, data in the next 4 bytes
    const size = first >>> 16;
    return { type: first & 0xffff, body: buf.subarray(at + 4, at + 4 + size), next: at + 8 };
  }
  const size = v.getUint32(at + 4, true);
  if (at + 8 + size > buf.length) throw new Error(`${file}: MAT element at byte ${at} claims ${size} bytes beyond the end`);
  const body = buf.subarray(at + 8, at + 8 + size);
  return { type: first, body, next: first === 15 ? at + 8 + size : at + 8 + Math.ceil(size / 8) * 8 };
}

function numbers(e: Element): number[] {
  const t = TYPES[e.type];
  if (!t) throw new Error(`unsupported MAT data type ${e.type}`);
  const v = new DataView(e.body.buffer, e.body.byteOffset, e.body.byteLength);
  return Array.from({ length: e.body.length / t[0] }, (_, i) => t[1](v, i * t[0]));
}

function matrix(body: Uint8Array, file: string): { name: string; value: MatValue } {
  let at = 0;
  const next = () => {
    const e = element(body, at, file);
    at = e.next;
    return e;
  };
  const flags = numbers(next());
  const cls = flags[0]! & 0xff;
  const dims = numbers(next());
  const name = String.fromCharCode(...numbers(next()));
  const count = dims.reduce((a, b) => a * b, 1);
  if (cls === 4) {
    const chars = numbers(next());
    return { name, value: { kind: 'char', value: String.fromCharCode(...chars) } };
  }
  if (cls === 1) {
    const items: MatValue[] = [];
    for (let i = 0; i < count; i++) items.push(matrix(next().body, file).value);
    return { name, value: { kind: 'cell', dims, items } };
  }
  if (cls === 2) {
    const len = numbers(next())[0]!;
    const raw = next().body;
    const fields = Array.from({ length: raw.length / len }, (_, k) => String.fromCharCode(...raw.subarray(k * len, (k + 1) * len)).replace(/\0+$/, ''));
    const items: Array<Record<string, MatValue>> = [];
    for (let i = 0; i < count; i++) {
      const rec: Record<string, MatValue> = {};
      for (const f of fields) rec[f] = matrix(next().body, file).value;
      items.push(rec);
    }
    return { name, value: { kind: 'struct', dims, fields, items } };
  }
  if (cls >= 6 && cls <= 15) return { name, value: { kind: 'numeric', dims, data: count ? numbers(next()) : [] } };
  throw new Error(`${file}: variable '${name}' has a MATLAB class (${cls}) this reader does not support`);
}

/** The variables of a level-5 MAT file. */
export function readMat(bytes: Uint8Array, file = 'the .mat file'): Record<string, MatValue> {
  if (bytes.length < 128 || String.fromCharCode(bytes[126]!, bytes[127]!) !== 'IM') {
    throw new Error(`${file} is not a little-endian MATLAB level-5 file (v7.3/HDF5 files are not supported).`);
  }
  const out: Record<string, MatValue> = {};
  let at = 128;
  while (at + 8 <= bytes.length) {
    const e = element(bytes, at, file);
    at = e.next;
    const body = e.type === 15 ? inflateSync(e.body) : e.body;
    const inner = e.type === 15 ? element(body, 0, file) : e;
    if (inner.type !== 14) continue;
    const { name, value } = matrix(inner.body, file);
    out[name] = value;
  }
  return out;
}
