/** Shared by the conv gradients: a dilated filter as an ordinary filter with zeros between its taps. */
import { tf } from '../tf.js';
import type { Tensor4D } from '../tf.js';
import { insertZeros } from '../kernels/util.js';

/** `[dh, dw]` from a tfjs `dilations` attribute (a number, a pair, or undefined for 1). */
export function dilationPair(dilations: number | [number, number] | undefined | null): [number, number] {
  if (dilations == null) return [1, 1];
  return typeof dilations === 'number' ? [dilations, dilations] : [dilations[0], dilations[1]];
}

/** The `[kh, kw, I, O]` filter spread to `[(kh-1)dh+1, (kw-1)dw+1, I, O]` with zeros between taps. */
export function spreadFilter(filter: Tensor4D, d: [number, number]): Tensor4D {
  return insertZeros(filter, 0, d);
}

/** The shape {@link spreadFilter} returns, without computing it. */
export function spreadShape(shape: number[], d: [number, number]): [number, number, number, number] {
  const [kh, kw, i, o] = shape as [number, number, number, number];
  return [(kh - 1) * d[0] + 1, (kw - 1) * d[1] + 1, i, o];
}

/** The inverse of {@link spreadFilter} for a gradient: keeps every `d`-th tap. */
export function gatherTaps(spreadGrad: Tensor4D, d: [number, number]): Tensor4D {
  if (d[0] === 1 && d[1] === 1) return spreadGrad;
  const [h, w, i, o] = spreadGrad.shape;
  return tf.stridedSlice(spreadGrad, [0, 0, 0, 0], [h, w, i, o], [d[0], d[1], 1, 1]) as Tensor4D;
}
