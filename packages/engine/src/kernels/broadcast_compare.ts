/**
 * The comparisons (`Equal`, `NotEqual`, `Less`, `LessEqual`, `Greater`, `GreaterEqual`) and `Maximum`/`Minimum`
 * on wasm when the operands' shapes differ: the native kernels' broadcasting path costs about 100-150 ns per
 * element (42 ms for the `[32, 64, 200]` mask of a global max's gradient), where the same shapes take 6 ns.
 * This one is a loop over the heap with per-axis strides (0 on broadcast axes); equal shapes, other dtypes and
 * other backends go to the backend's own kernel.
 */
import { tf } from '../tf.js';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

type Num = Float32Array | Int32Array | Uint8Array;
type Op = (x: number, y: number) => number;

/** Each op, as the value it writes (1/0 for the comparisons; NaN compares false, as in tfjs). */
export const OPS: Readonly<Record<string, { op: Op; bool: boolean }>> = {
  Equal: { op: (x, y) => (x === y ? 1 : 0), bool: true },
  NotEqual: { op: (x, y) => (x !== y ? 1 : 0), bool: true },
  Less: { op: (x, y) => (x < y ? 1 : 0), bool: true },
  LessEqual: { op: (x, y) => (x <= y ? 1 : 0), bool: true },
  Greater: { op: (x, y) => (x > y ? 1 : 0), bool: true },
  GreaterEqual: { op: (x, y) => (x >= y ? 1 : 0), bool: true },
  // as the cpu backend: NaN wins, +0 is above -0
  Maximum: { op: Math.max, bool: false },
  Minimum: { op: Math.min, bool: false },
};

interface HeapBackend {
  typedArrayFromHeap(t: TensorInfo): Num;
  makeOutput(shape: number[], dtype: string): TensorInfo;
}

/** Strides of `shape` aligned to the right of `out` (0 on axes it broadcasts along). */
function stridesFor(shape: readonly number[], out: readonly number[]): number[] {
  const s = new Array<number>(out.length).fill(0);
  let acc = 1;
  for (let i = shape.length - 1, j = out.length - 1; i >= 0; i--, j--) {
    s[j] = shape[i] === 1 ? 0 : acc;
    acc *= shape[i]!;
  }
  return s;
}

/** `out[k] = op(a[...], b[...])` over the broadcast shape, the last axis innermost. */
function loop(op: Op, a: Num, b: Num, o: Num, out: readonly number[], sa: number[], sb: number[]): void {
  const r = out.length;
  const n = out[r - 1] ?? 1, da = sa[r - 1] ?? 0, db = sb[r - 1] ?? 0;
  const outer = o.length / n;
  const idx = new Array<number>(Math.max(0, r - 1)).fill(0);
  let ia = 0, ib = 0, io = 0;
  for (let k = 0; k < outer; k++) {
    for (let t = 0, pa = ia, pb = ib; t < n; t++, pa += da, pb += db) o[io++] = op(a[pa]!, b[pb]!);
    // odometer over the outer axes
    for (let ax = r - 2; ax >= 0; ax--) {
      idx[ax]!++;
      ia += sa[ax]!;
      ib += sb[ax]!;
      if (idx[ax]! < out[ax]!) break;
      ia -= sa[ax]! * out[ax]!;
      ib -= sb[ax]! * out[ax]!;
      idx[ax] = 0;
    }
  }
}

/** The kernel for `name`, wrapping the backend's own. */
export function wrapFor(name: string): (original: KernelFunc) => KernelFunc {
  const { op, bool } = OPS[name]!;
  return (original) => (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const backend = args.backend as unknown as Partial<HeapBackend>;
    const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    if (same || a.dtype !== b.dtype || a.dtype === 'string' || a.dtype === 'complex64' || typeof backend.typedArrayFromHeap !== 'function') {
      return original(args);
    }
    const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = backend.makeOutput!(shape, bool ? 'bool' : a.dtype);
    if (tf.util.sizeFromShape(shape) === 0) return out;
    // views after the allocation: growing the heap detaches earlier views
    const hb = backend as HeapBackend;
    loop(op, hb.typedArrayFromHeap(a), hb.typedArrayFromHeap(b), hb.typedArrayFromHeap(out), shape,
      stridesFor(a.shape, shape), stridesFor(b.shape, shape));
    return out;
  };
}
