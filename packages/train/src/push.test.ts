import { describe, expect, it } from 'vitest';
import { Rng } from '@pixpnet/engine';
import { quantiles } from '@pixpnet/engine';
import { PushState } from './push.js';
import type { DuplicateFilter } from './push.js';

/** The reference algorithm of spec §4, literally: repeated global argmin over d[N, P, H, W]. */
function literal(d: Float32Array, z: Float32Array, [N, H, W]: [number, number, number], P: number, D: number, y: number[], idx: number[], cls: Int32Array | undefined, filter: DuplicateFilter, s: PushState) {
  const cells = H * W;
  const t = new Float64Array(N * P * cells); // n, j, cell
  for (let n = 0; n < N; n++) for (let c = 0; c < cells; c++) for (let j = 0; j < P; j++) {
    t[(n * P + j) * cells + c] = cls && cls[j] !== y[n] ? Infinity : d[(n * cells + c) * P + j]!;
  }
  const accept = (j: number, v: number, n: number, c: number) => {
    s.bestDist[j] = v;
    s.bestPatch.set(z.subarray((n * cells + c) * D, (n * cells + c + 1) * D), j * D);
    s.sampleIdxs[j] = idx[n]!;
    s.fmapIdxs.set([Math.floor(c / W), Math.floor(c / W) + 1, c % W, (c % W) + 1], j * 4);
  };
  if (filter === 'none') {
    for (let j = 0; j < P; j++) {
      let best = Infinity, bi = 0;
      for (let n = 0; n < N; n++) for (let c = 0; c < cells; c++) if (t[(n * P + j) * cells + c]! < best) { best = t[(n * P + j) * cells + c]!; bi = n * cells + c; }
      if (best < s.bestDist[j]!) accept(j, best, Math.floor(bi / cells), bi % cells);
    }
    return;
  }
  for (let it = 0; it < P; it++) {
    let best = Infinity, bi = 0;
    for (let k = 0; k < t.length; k++) if (t[k]! < best) { best = t[k]!; bi = k; }
    const n = Math.floor(bi / (P * cells)), j = Math.floor(bi / cells) % P, c = bi % cells;
    for (let m = 0; m < N; m++) for (let q = 0; q < cells; q++) t[(m * P + j) * cells + q] = Infinity;
    if (best < s.bestDist[j]!) {
      accept(j, best, n, c);
      if (filter === 'sample') for (let k = 0; k < P; k++) for (let q = 0; q < cells; q++) t[(n * P + k) * cells + q] = Infinity;
      else for (let k = 0; k < P; k++) t[(n * P + k) * cells + c] = Infinity;
    }
  }
}

describe('push (spec §4)', () => {
  for (const filter of ['sample', 'patch', 'none'] as const) {
    for (const classSpecific of [true, false]) {
      it(`matches the literal algorithm: filter ${filter}, class-specific ${classSpecific}`, () => {
        const rng = new Rng(11);
        const [P, D, C] = [6, 3, 2];
        const prev = { sampleIdxs: new Int32Array(P).fill(-1), fmapIdxs: new Int32Array(P * 4).fill(-1) };
        const ours = new PushState(P, D, prev), ref = new PushState(P, D, prev);
        const cls = classSpecific ? Int32Array.from({ length: P }, (_, j) => Math.floor(j / (P / C))) : undefined;
        for (let b = 0; b < 3; b++) {
          const [N, H, W] = [4, 2, 3];
          // coarse values make ties common
          const d = Float32Array.from({ length: N * H * W * P }, () => Math.floor(rng.next() * 20) / 4);
          const z = Float32Array.from({ length: N * H * W * D }, () => rng.next());
          const y = Array.from({ length: N }, () => rng.int(C));
          const idx = Array.from({ length: N }, (_, n) => b * 10 + n);
          ours.update(d, z, [N, H, W], y, idx, cls, filter);
          literal(d, z, [N, H, W], P, D, y, idx, cls, filter, ref);
        }
        expect(Array.from(ours.bestDist)).toEqual(Array.from(ref.bestDist));
        expect(Array.from(ours.sampleIdxs)).toEqual(Array.from(ref.sampleIdxs));
        expect(Array.from(ours.fmapIdxs)).toEqual(Array.from(ref.fmapIdxs));
        expect(Array.from(ours.bestPatch)).toEqual(Array.from(ref.bestPatch));
      });
    }
  }

  it('with the sample filter, no image serves two prototypes', () => {
    const rng = new Rng(3);
    const [P, D] = [8, 2];
    const s = new PushState(P, D, { sampleIdxs: new Int32Array(P).fill(-1), fmapIdxs: new Int32Array(P * 4).fill(-1) });
    for (let b = 0; b < 2; b++) {
      const N = 5;
      s.update(Float32Array.from({ length: N * 4 * P }, () => rng.next()), new Float32Array(N * 4 * D), [N, 2, 2], [0, 0, 0, 0, 0], [0, 1, 2, 3, 4].map((n) => b * 5 + n), undefined, 'sample');
    }
    expect(new Set(s.sampleIdxs).size).toBe(P);
  });

  it('quantiles interpolate like torch.quantile', () => {
    expect(quantiles(Float32Array.from([4, 1, 3, 2]), [0, 0.25, 0.5, 1])).toEqual([1, 1.75, 2.5, 4]);
    expect(quantiles(Float32Array.from([1, Infinity, Infinity]), [0, 0.75, 1])).toEqual([1, Infinity, Infinity]);
  });
});
