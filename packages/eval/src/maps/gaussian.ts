/**
 * PixPNet's receptive-field heat maps (spec §2.10b): every latent cell spreads its similarity over exactly its
 * receptive field, weighted by a Gaussian window centred where the unclipped field would be; the maps are the
 * maximum, mean and sum over cells. Layers whose cells all see the whole image use the "super-RF" rule: virtual
 * fields stretched linearly around each cell's naive midpoint.
 *
 * Extension: the reference's window is `k × k` with `k = max(rf_h, rf_w)`, so its crop only fits fields that are as
 * high as wide; here a field less high (or wide) than `k` takes the window's centred rows (columns). Square fields,
 * every zoo network at square inputs, are unaffected.
 */
import type { RfBox } from '@pixpnet/models';
import { roundHalfEven } from '@pixpnet/engine';
import { naiveMidpoints } from './centers.js';

/** Options of {@link rfHeatmaps}. */
export interface RfHeatmapOptions {
  /** σ of the window as a fraction of its size (default 1: a flat window, ≈0.88 at half-width). */
  sigmaFactor?: number;
  /** Prototypes to map (default all `P`). */
  prototypes?: readonly number[];
}

/** The three maps, each `prototypes.length × H × W` (row-major, in the order of `prototypes`). */
export interface RfHeatmaps {
  /** Maximum over cells, starting at 0 (PixPNet's map: the ROT's and the panels'). */
  max: Float32Array;
  /** `sum / count`: NaN where no receptive field covers a pixel. */
  avg: Float32Array;
  sum: Float32Array;
  /** Whether the super-RF rule applied. */
  superMode: boolean;
  /** The window size `k`. */
  kernelSize: number;
}

/** The Gaussian window `k × k` with σ = k·sigmaFactor, peak 1. */
export function gaussianWindow(k: number, sigmaFactor = 1): Float64Array {
  const sigma = k * sigmaFactor;
  const g = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const x = k === 1 ? 0 : -(k - 1) / 2 + (i * (k - 1)) / (k - 1);
    g[i] = Math.exp(-(x * x) / (2 * sigma * sigma));
  }
  const out = new Float64Array(k * k);
  let peak = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) peak = Math.max(peak, (out[i * k + j] = g[i]! * g[j]!));
  for (let i = 0; i < out.length; i++) out[i]! /= peak;
  return out;
}

/** The kernel rows (or columns) `[start, stop)` a cell's field of size `size` takes, spec §2.10b step 5. */
interface CropRule {
  (index: number, start: number, stop: number): [number, number];
}

function cropRule(k: number, rf: number, extent: number, superMode: boolean, mids: number[]): CropRule {
  const lead = Math.floor((k - rf) / 2), trail = k - rf - lead; // non-square fields: centre the shorter side in the window
  return (index, start, stop) => {
    const size = stop - start;
    let t = 0, b = 0;
    if (!superMode) {
      if (size < rf) {
        if (stop - rf < 0) t = rf - size; // clipped at the top/left
        else b = rf - size;
      }
    } else {
      const a0 = mids[index]! - Math.floor(rf / 2), a1 = mids[index]! + Math.floor(rf / 2);
      t = Math.max(-a0, 0);
      b = Math.max(a1 - extent - Math.max(a0, 0), 0);
      if (size < extent) {
        if (start !== 0) t += extent - size;
        else b += extent - size;
      }
    }
    return [lead + t, k - trail - b];
  };
}

/**
 * Receptive-field heat maps of one image. `similarities` is `P × Hz × Wz` (row-major), `rfBoxes` the model's
 * `[hStart, hStop, wStart, wStop]` per cell (row-major), `[H, W]` the input size.
 */
export function rfHeatmaps(similarities: Float32Array, grid: readonly [number, number], rfBoxes: readonly RfBox[], size: readonly [number, number], o: RfHeatmapOptions = {}): RfHeatmaps {
  const [Hz, Wz] = grid, [H, W] = size;
  const cells = Hz * Wz;
  if (rfBoxes.length !== cells) throw new Error(`rfHeatmaps: ${rfBoxes.length} receptive fields for a ${Hz}×${Wz} grid.`);
  if (similarities.length % cells !== 0) throw new Error(`rfHeatmaps: ${similarities.length} similarities are not P × ${Hz} × ${Wz}.`);
  const P = similarities.length / cells;
  const protos = o.prototypes ?? Array.from({ length: P }, (_, p) => p);
  let rfH = 0, rfW = 0;
  for (const [h0, h1, w0, w1] of rfBoxes) { rfH = Math.max(rfH, h1 - h0); rfW = Math.max(rfW, w1 - w0); }
  const midH = naiveMidpoints(Hz, H), midW = naiveMidpoints(Wz, W);
  let superMode = false;
  if (rfH >= H || rfW >= W) {
    const big: number[] = [];
    rfBoxes.forEach(([h0, h1, w0, w1], c) => { if (h1 - h0 >= H || w1 - w0 >= W) big.push(c); });
    if (big.length > 1) {
      superMode = true;
      const padH = roundHalfEven(Math.max(...big.map((c) => Math.abs((H - 1) / 2 - midH[Math.floor(c / Wz)]!))));
      const padW = roundHalfEven(Math.max(...big.map((c) => Math.abs((W - 1) / 2 - midW[c % Wz]!))));
      rfH += 2 * padH;
      rfW += 2 * padW;
    }
  }
  const k = Math.max(rfH, rfW);
  const win = gaussianWindow(k, o.sigmaFactor ?? 1);
  const rowCrop = cropRule(k, rfH, H, superMode, midH), colCrop = cropRule(k, rfW, W, superMode, midW);
  const n = protos.length, HW = H * W;
  const max = new Float32Array(n * HW), sum = new Float32Array(n * HW), count = new Uint32Array(HW);
  for (let c = 0; c < cells; c++) {
    const hi = Math.floor(c / Wz), wi = c % Wz;
    const [h0, h1, w0, w1] = rfBoxes[c]!;
    const [kt, kb] = rowCrop(hi, h0, h1), [kl, kr] = colCrop(wi, w0, w1);
    if (kb - kt !== h1 - h0 || kr - kl !== w1 - w0) {
      throw new Error(`rfHeatmaps: the window crop [${kt}, ${kb}) × [${kl}, ${kr}) of cell (${hi}, ${wi}) does not match its receptive field ` +
        `${h1 - h0}×${w1 - w0}; this layer's fields are not supported by the Gaussian map.`);
    }
    for (let y = h0; y < h1; y++) for (let x = w0; x < w1; x++) count[y * W + x]!++;
    for (let q = 0; q < n; q++) {
      const s = similarities[protos[q]! * cells + c]!;
      const ob = q * HW;
      for (let y = h0; y < h1; y++) {
        const wr = (kt + y - h0) * k + kl - w0;
        for (let x = w0; x < w1; x++) {
          const v = s * win[wr + x]!;
          const i = ob + y * W + x;
          sum[i]! += v;
          if (v > max[i]!) max[i] = v;
        }
      }
    }
  }
  const avg = new Float32Array(n * HW);
  for (let i = 0; i < avg.length; i++) avg[i] = sum[i]! / count[i % HW]!;
  return { max, avg, sum, superMode, kernelSize: k };
}
