/**
 * The data pipeline's pixel loops compiled to WebAssembly (`native/imgops.c`): the resampling passes of
 * `transforms/resample.ts` and the blur and sharpness of `transforms/augment.ts`, with the same sums in the same
 * order as their JavaScript versions, hence the same bytes, several times faster. One instance per
 * thread (each loader worker has its own), loaded on first use; Node only, and `PIXPNET_NATIVE_KERNELS=0` turns
 * it off.
 */
import fs from 'node:fs';
import { takeBytes } from '../transforms/scratch.js';
import type { Region } from '../transforms/homography.js';

interface ImgopsExports {
  memory: WebAssembly.Memory;
  resample_h: (src: number, W: number, y0: number, rows: number, outW: number, taps: number, first: number, count: number, weights: number, tmp: number) => void;
  resample_v: (tmp: number, stride: number, outH: number, first: number, count: number, weights: number, taps: number, out: number) => void;
  convolve_separable: (src: number, W: number, H: number, k: number, size: number, x0: number, y0: number, x1: number, y1: number,
    ring: number, acc: number, out: number) => void;
  sharpness: (src: number, W: number, H: number, f: number, x0: number, y0: number, x1: number, y1: number, out: number) => void;
}

/** Where the buffers start: past the module's 64 KiB stack. */
const BASE = 1 << 20;

let instance: ImgopsExports | null | undefined;

function load(): ImgopsExports | null {
  if (instance !== undefined) return instance;
  instance = null;
  // (the engine's nativeDisabled() reads the same variable; the loader's workers do not load tfjs to ask it)
  if (typeof process === 'undefined' || !process.versions?.node || process.env.PIXPNET_NATIVE_KERNELS === '0') return instance;
  try {
    const bytes = fs.readFileSync(new URL('../../native/imgops.wasm', import.meta.url));
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as ImgopsExports;
  } catch {
    instance = null; // the JavaScript passes run instead
  }
  return instance;
}

/** Whether the native passes run in this thread. */
export function nativeImgops(): boolean {
  return load() !== null;
}

/** Bump allocation from {@link BASE} (16-byte aligned), growing the memory to fit; returns the offsets. */
function layout(m: ImgopsExports, sizes: number[]): number[] {
  let at = BASE;
  const offsets = sizes.map((bytes) => {
    const a = at;
    at += (bytes + 15) & ~15;
    return a;
  });
  const have = m.memory.buffer.byteLength;
  if (at > have) m.memory.grow(Math.ceil((at - have) / 65536));
  return offsets;
}

/** A result out of the module's memory (into a reused buffer). */
function copyOut(view: Uint8Array): Uint8Array {
  const out = takeBytes(view.length);
  out.set(view);
  return out;
}

/** `convolveSeparable` of `augment.ts` natively over `region` (the same bytes there, zeros elsewhere); `undefined` without the module. */
export function nativeConvolve(src: Uint8Array, W: number, H: number, k: Float64Array, region: Region): Uint8Array | undefined {
  const m = load();
  if (!m) return undefined;
  const W3 = W * 3;
  const [s, kk, ring, acc, out] = layout(m, [src.length, k.length * 8, k.length * W3 * 8, W3 * 8, src.length]) as [number, number, number, number, number];
  new Uint8Array(m.memory.buffer, s, src.length).set(src);
  new Float64Array(m.memory.buffer, kk, k.length).set(k);
  m.convolve_separable(s, W, H, kk, k.length, ...region, ring, acc, out);
  return copyOut(new Uint8Array(m.memory.buffer, out, src.length));
}

/** `adjustSharpness` of `augment.ts` natively over `region` (the same bytes there, zeros elsewhere); `undefined` without the module. */
export function nativeSharpness(src: Uint8Array, W: number, H: number, f: number, region: Region): Uint8Array | undefined {
  const m = load();
  if (!m) return undefined;
  const [s, out] = layout(m, [src.length, src.length]) as [number, number];
  new Uint8Array(m.memory.buffer, s, src.length).set(src);
  m.sharpness(s, W, H, f, ...region, out);
  return copyOut(new Uint8Array(m.memory.buffer, out, src.length));
}

/** One axis's filter (see `resample.ts`): per output position the first source index, the tap count and `taps` weights. */
export interface AxisTaps {
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array;
  taps: number;
}

/** The two passes' inputs (see `resample.ts`): source rows `[y0, y0 + rows)` are read. */
export interface ResamplePlan {
  src: Uint8Array;
  W: number;
  y0: number;
  rows: number;
  outW: number;
  outH: number;
  x: AxisTaps;
  y: AxisTaps;
}

/** Runs both passes natively; `undefined` when the module is not available. */
export function nativeResample(p: ResamplePlan): Uint8Array | undefined {
  const m = load();
  if (!m) return undefined;
  const stride = p.outW * 3, W3 = p.W * 3;
  // (+4: the horizontal pass moves pixels as 4 bytes)
  const [src, xf, xc, xw, tmp, yf, yc, yw, out] = layout(m, [p.rows * W3 + 4, p.outW * 4, p.outW * 4, p.x.weights.length * 4,
    p.rows * stride + 4, p.outH * 4, p.outH * 4, p.y.weights.length * 4, p.outH * stride]) as number[] as [number, number, number, number, number, number, number, number, number];
  const heap = m.memory.buffer;
  new Uint8Array(heap, src, p.rows * W3).set(p.src.subarray(p.y0 * W3, (p.y0 + p.rows) * W3));
  new Int32Array(heap, xf, p.outW).set(p.x.first);
  new Int32Array(heap, xc, p.outW).set(p.x.count);
  new Int32Array(heap, xw, p.x.weights.length).set(p.x.weights);
  new Int32Array(heap, yf, p.outH).set(p.y.first.map((f) => f - p.y0));
  new Int32Array(heap, yc, p.outH).set(p.y.count);
  new Int32Array(heap, yw, p.y.weights.length).set(p.y.weights);
  m.resample_h(src, p.W, 0, p.rows, p.outW, p.x.taps, xf, xc, xw, tmp);
  m.resample_v(tmp, stride, p.outH, yf, yc, yw, p.y.taps, out);
  return copyOut(new Uint8Array(heap, out, p.outH * stride));
}
