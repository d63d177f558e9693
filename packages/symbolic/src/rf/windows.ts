/**
 * Per-axis windows: for each output position of an op, the input positions it reads (clipped to the input; padding
 * reads nothing). Every spatial op of the IR is separable, so a unit `(i, j)` reads `rows[i] × cols[j]`.
 */
import type { AxisWindows } from './fields.js';
import { windowPositions } from './fields.js';

/** A convolution or pool: output `o` reads `o·s − padBefore + q·d`, `q < k`. */
export function convWindows(outLen: number, k: number, s: number, padBefore: number, d: number, len: number): AxisWindows {
  return Array.from({ length: outLen }, (_, o) => windowPositions(o, k, s, padBefore, d, len));
}

/**
 * A transposed convolution: input `t` with tap `q` writes output `t·s − padBefore + q·d`. With a stride above 1
 * neighbouring outputs read different sets, not always intervals (a tap pattern with dilation leaves holes), and
 * some read nothing (stride larger than the kernel). Built by scattering, so the work is the windows' total size.
 */
export function transposedWindows(outLen: number, k: number, s: number, padBefore: number, d: number, len: number): AxisWindows {
  const out: number[][] = Array.from({ length: outLen }, () => []);
  for (let t = 0; t < len; t++) {
    const base = t * s - padBefore;
    // only the taps that land inside [0, outLen)
    const qMin = Math.max(0, Math.ceil(-base / d)), qMax = Math.min(k - 1, Math.floor((outLen - 1 - base) / d));
    // t ascends, so each window stays sorted; one t reaches an output through one tap at most
    for (let q = qMin; q <= qMax; q++) out[base + q * d]!.push(t);
  }
  return out;
}

/** Nearest-neighbour upsampling by `s`: output `o` reads `⌊o/s⌋` (with or without half-pixel centres alike). */
export function nearestWindows(s: number, len: number): AxisWindows {
  return Array.from({ length: len * s }, (_, o) => [Math.floor(o / s)]);
}

/**
 * The source coordinate of bilinear upsampling by `s` as a fraction `num/den` (exact: integers): `(o + ½)/s − ½`
 * with half-pixel centres (Keras, TF 2), `o/s` without (TensorFlow.js `resizeBilinear` defaults, which its
 * `UpSampling2D` uses).
 */
export function bilinearSource(o: number, s: number, halfPixel: boolean): [num: number, den: number] {
  return halfPixel ? [2 * o + 1 - s, 2 * s] : [o, s];
}

/**
 * Bilinear upsampling by `s`: output `o` reads the input positions around its source coordinate, clamped to the
 * input — both neighbours when the coordinate falls between them (each with a non-zero weight), one when it
 * falls on a position or outside the input.
 */
export function bilinearWindows(s: number, len: number, halfPixel: boolean): AxisWindows {
  return Array.from({ length: len * s }, (_, o) => {
    const [num, den] = bilinearSource(o, s, halfPixel);
    const floor = Math.floor(num / den), ceil = num % den === 0 ? floor : floor + 1;
    const lo = Math.min(Math.max(floor, 0), len - 1), hi = Math.min(Math.max(ceil, 0), len - 1);
    return lo === hi ? [lo] : [lo, hi];
  });
}

/** Cropping `before` positions: output `o` reads `o + before`. */
export function cropWindows(outLen: number, before: number): AxisWindows {
  return Array.from({ length: outLen }, (_, o) => [o + before]);
}

/** Adaptive average pooling to `outLen` (torch's bins). */
export function adaptiveWindows(outLen: number, len: number): AxisWindows {
  return Array.from({ length: outLen }, (_, o) => {
    const a = Math.floor((o * len) / outLen), b = Math.ceil(((o + 1) * len) / outLen);
    return Array.from({ length: b - a }, (_, t) => a + t);
  });
}
