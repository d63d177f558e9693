/**
 * Bicubic upsampling of similarity maps with PyTorch's exact semantics (`F.interpolate(mode='bicubic',
 * align_corners=False)`, spec §2.10c): source index `(dst + 0.5)·in/out − 0.5`, Keys' cubic with A = −0.75 and
 * neighbours clamped to the border.
 */

const A = -0.75;
const near = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1; // |x| ≤ 1
const far = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A; // 1 < |x| < 2

/** Per output index: the four clamped source indices and their weights. */
function taps(inSize: number, outSize: number): { idx: Int32Array; w: Float64Array } {
  const idx = new Int32Array(outSize * 4);
  const w = new Float64Array(outSize * 4);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = scale * (o + 0.5) - 0.5;
    const i0 = Math.floor(src);
    const t = src - i0;
    const ws = [far(t + 1), near(t), near(1 - t), far(2 - t)];
    for (let k = 0; k < 4; k++) {
      idx[o * 4 + k] = Math.min(inSize - 1, Math.max(0, i0 - 1 + k));
      w[o * 4 + k] = ws[k]!;
    }
  }
  return { idx, w };
}

/**
 * Upsamples `maps` (`n × inH × inW`, row-major) to `n × outH × outW`.
 */
export function upsampleBicubic(maps: Float32Array, n: number, inH: number, inW: number, outH: number, outW: number): Float32Array {
  if (maps.length !== n * inH * inW) throw new Error(`upsampleBicubic: expected ${n}×${inH}×${inW} values, got ${maps.length}.`);
  const ty = taps(inH, outH), tx = taps(inW, outW);
  const out = new Float32Array(n * outH * outW);
  const rowsBuf = new Float64Array(inH * outW); // horizontal pass first
  for (let m = 0; m < n; m++) {
    const base = m * inH * inW;
    for (let r = 0; r < inH; r++) {
      for (let x = 0; x < outW; x++) {
        let v = 0;
        for (let k = 0; k < 4; k++) v += tx.w[x * 4 + k]! * maps[base + r * inW + tx.idx[x * 4 + k]!]!;
        rowsBuf[r * outW + x] = v;
      }
    }
    const ob = m * outH * outW;
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        let v = 0;
        for (let k = 0; k < 4; k++) v += ty.w[y * 4 + k]! * rowsBuf[ty.idx[y * 4 + k]! * outW + x]!;
        out[ob + y * outW + x] = v;
      }
    }
  }
  return out;
}
