/**
 * The integer hash of the torchvision parity fixtures (`shared/fixtures/README.md`): deterministic inputs and
 * weights, so that parity needs no weight file.
 */
import type { StateDict } from './state_dict.js';

/** `hash32(i, s)` on unsigned 32-bit integers. */
export function hash32(i: number, s: number): number {
  let x = (Math.imul(i, 0x9e3779b1) + Math.imul(s, 0x85ebca77)) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x;
}

/** `uniform(i, s)` in [-1, 1), computed in float64. */
export const uniform = (i: number, s: number): number => (hash32(i, s) / 4294967296) * 2 - 1;

/** The fixture input: `x[i] = uniform(i, 1000003)` over the NCHW-flattened input. */
export function hashInput(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = uniform(i, 1000003);
  return out;
}

/** The fixture weights for a state dict listed as `[name, shape, dtype]` in torchvision order. */
export function hashStateDict(entries: Array<[string, number[], string]>): StateDict {
  const dict: StateDict = new Map();
  entries.forEach(([name, shape, dtype], j) => {
    if (!dtype.startsWith('float')) return; // num_batches_tracked
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const scale = Math.sqrt(3 / (n / (shape[0] ?? 1)));
    const kind = name.endsWith('running_var') ? 0 : name.endsWith('running_mean') || name.endsWith('bias') ? 1 : shape.length === 1 ? 2 : 3;
    for (let i = 0; i < n; i++) {
      const u = uniform(i, j);
      data[i] = kind === 0 ? 1 + 0.5 * Math.abs(u) : kind === 1 ? 0.1 * u : kind === 2 ? 1 + 0.1 * u : u * scale;
    }
    dict.set(name, { shape, data });
  });
  return dict;
}

/** The 64 sample positions of a summary. */
export function samplePositions(numel: number): number[] {
  return Array.from({ length: 64 }, (_, k) => hash32(k, 777) % numel);
}
