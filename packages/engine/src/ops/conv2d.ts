/**
 * The convolution PixPNet's backbones need, in one call: per-side explicit padding, stride, dilation and
 * groups (torchvision's `nn.Conv2d`), on NHWC tensors with `[kh, kw, Cin / groups, Cout]` filters.
 */
import { tf } from '../tf.js';
import type { Tensor4D } from '../tf.js';

/** `[[top, bottom], [left, right]]` zero padding. */
export type ExplicitPadding2d = [[number, number], [number, number]];

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  /** Stride, one number or `[sh, sw]`; default 1. */
  strides?: number | [number, number];
  /** `'valid'` (default), `'same'`, or explicit per-side zero padding. */
  padding?: 'valid' | 'same' | ExplicitPadding2d;
  /** Dilation, one number or `[dh, dw]`; default 1. */
  dilations?: number | [number, number];
  /** Channel groups; `Cin` and `Cout` must both be divisible by it; default 1. */
  groups?: number;
}

const pair = (v: number | [number, number] | undefined): [number, number] =>
  v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v;

/**
 * Every `s`-th row and column, starting at 0, with a gradient (tfjs has none for `stridedSlice`):
 * pad to a multiple of the stride, view as `[B, H/sh, sh, W/sw, sw, C]` and slice the phase 0.
 */
function subsample(y: Tensor4D, [sh, sw]: [number, number]): Tensor4D {
  const [b, h, w, c] = y.shape;
  const ho = Math.ceil(h / sh), wo = Math.ceil(w / sw);
  const padded = tf.pad(y, [[0, 0], [0, ho * sh - h], [0, wo * sw - w], [0, 0]]);
  const view = tf.reshape(padded, [b, ho, sh, wo, sw, c]);
  return tf.reshape(tf.slice(view, [0, 0, 0, 0, 0, 0], [b, ho, 1, wo, 1, c]), [b, ho, wo, c]);
}

/**
 * A 2-D convolution with torchvision's options. Groups equal to `Cin` run as one depthwise convolution;
 * other group counts run one convolution per group. Every case is differentiable on every backend
 * once {@link initBackend} has registered the PixPNet kernels and gradients.
 */
export function conv2d(x: Tensor4D, filter: Tensor4D, options: Conv2dOptions = {}): Tensor4D {
  const groups = options.groups ?? 1;
  const cin = x.shape[3];
  const [kh, kw, fin, cout] = filter.shape;
  if (!Number.isInteger(groups) || groups < 1 || cin % groups !== 0 || cout % groups !== 0) {
    throw new Error(`conv2d: groups=${groups} must divide both the input channels (${cin}) and the output channels (${cout}).`);
  }
  if (fin * groups !== cin) {
    throw new Error(`conv2d: a filter of shape [${filter.shape}] expects ${fin * groups} input channels with groups=${groups}, got ${cin}.`);
  }
  const s = pair(options.strides);
  const d = pair(options.dilations);
  const p = options.padding ?? 'valid';
  const pad = typeof p === 'string' ? p : ([[0, 0], p[0], p[1], [0, 0]] as [[0, 0], [number, number], [number, number], [0, 0]]);
  // tfjs refuses stride and dilation together: run at stride 1, then subsample.
  const both = (s[0] > 1 || s[1] > 1) && (d[0] > 1 || d[1] > 1);
  if (both && p === 'same') throw new Error('conv2d: padding "same" with both stride and dilation > 1 is ambiguous; give explicit padding.');
  const run = (xi: Tensor4D, fi: Tensor4D, depthwise: boolean): Tensor4D => {
    const st: [number, number] = both ? [1, 1] : s;
    const y = depthwise ? tf.depthwiseConv2d(xi, fi, st, pad, 'NHWC', d) : tf.conv2d(xi, fi, st, pad, 'NHWC', d);
    return both ? subsample(y, s) : y;
  };
  if (groups === 1) return run(x, filter, false);
  if (groups === cin) return run(x, tf.reshape(filter, [kh, kw, cin, cout / cin]), true);
  return tf.tidy(() => {
    const xs = tf.split(x, groups, 3);
    const fs = tf.split(filter, groups, 3);
    return tf.concat(xs.map((xi, g) => run(xi as Tensor4D, fs[g] as Tensor4D, false)), 3);
  });
}
