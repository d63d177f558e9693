/**
 * Prototype push / projection (spec §4): every prototype is replaced by the nearest latent patch of a training
 * image of its class (unaugmented view, eval mode, no gradients), with the `sample`, `patch` or `none` duplicate
 * filter. Afterwards a prototype *is* a training patch, and its pixels are that cell's exact receptive field.
 */
import { chunks, quantiles, rows, tf } from '@pixpnet/engine';
import type { Tensor2D, Tensor4D } from '@pixpnet/engine';
import type { ProtoNet } from '@pixpnet/models';

/** Duplicate prevention during a push (spec §4). */
export type DuplicateFilter = 'sample' | 'patch' | 'none';

/** One batch of the unaugmented training view. */
export interface PushBatch {
  x: Tensor4D;
  /** Labels. */
  y: ArrayLike<number>;
  /** Original indices of the images (recorded as each prototype's sample). */
  indices: ArrayLike<number>;
}

/** What a push reports (spec §4 step 4). */
export interface PushStats {
  /** 0/25/50/75/100 % quantiles of the best distances. */
  quantiles: [number, number, number, number, number];
  /** NaN distances among the best. */
  nans: number;
  /** Prototypes that found no candidate (they become zero vectors). */
  unassigned: number;
  /** Distinct training images the prototypes were projected onto. */
  distinctSamples: number;
  normBefore: number;
  normAfter: number;
}

/** The state a push accumulates over batches. */
export class PushState {
  readonly bestDist: Float32Array;
  readonly bestPatch: Float32Array;
  readonly sampleIdxs: Int32Array;
  readonly fmapIdxs: Int32Array;

  constructor(readonly P: number, readonly D: number, previous: { sampleIdxs: Int32Array; fmapIdxs: Int32Array }) {
    this.bestDist = new Float32Array(P).fill(Infinity);
    this.bestPatch = new Float32Array(P * D);
    this.sampleIdxs = Int32Array.from(previous.sampleIdxs);
    this.fmapIdxs = Int32Array.from(previous.fmapIdxs);
  }

  private accept(j: number, dist: number, z: Float32Array, n: number, cell: number, cells: number, Wz: number, original: number): void {
    this.bestDist[j] = dist;
    this.bestPatch.set(z.subarray((n * cells + cell) * this.D, (n * cells + cell + 1) * this.D), j * this.D);
    this.sampleIdxs[j] = original;
    const h = Math.floor(cell / Wz), w = cell % Wz;
    this.fmapIdxs.set([h, h + 1, w, w + 1], j * 4);
  }

  /**
   * Folds one batch in: `d` is `N × Hz × Wz × P` (row-major), `z` is `N × Hz × Wz × D`; `protoClass[j]` is the
   * class of prototype j (or −1 when prototypes are not class-specific).
   */
  update(d: Float32Array, z: Float32Array, shape: [number, number, number], y: ArrayLike<number>, indices: ArrayLike<number>,
    protoClass: Int32Array | undefined, filter: DuplicateFilter): void {
    const [N, Hz, Wz] = shape;
    const { P } = this;
    const cells = Hz * Wz;
    const allowed = (n: number, j: number) => !protoClass || protoClass[j] === y[n];
    if (filter === 'none') {
      for (let j = 0; j < P; j++) {
        let best = Infinity, bn = -1, bc = -1;
        for (let n = 0; n < N; n++) {
          if (!allowed(n, j)) continue;
          for (let c = 0; c < cells; c++) {
            const v = d[(n * cells + c) * P + j]!;
            if (v < best) { best = v; bn = n; bc = c; }
          }
        }
        if (bn >= 0 && best < this.bestDist[j]!) this.accept(j, best, z, bn, bc, cells, Wz, indices[bn]!);
      }
      return;
    }
    // m[n, j]: minimum over the unblocked cells of image n, and its first cell
    const m = new Float32Array(N * P).fill(Infinity);
    const mc = new Int32Array(N * P).fill(-1);
    const cellBlocked = new Uint8Array(N * cells);
    const rowBlocked = new Uint8Array(N);
    const done = new Uint8Array(P);
    const rowMin = (n: number, j: number) => {
      let best = Infinity, bc = -1;
      if (!rowBlocked[n] && allowed(n, j)) {
        for (let c = 0; c < cells; c++) {
          if (cellBlocked[n * cells + c]) continue;
          const v = d[(n * cells + c) * P + j]!;
          if (v < best) { best = v; bc = c; }
        }
      }
      m[n * P + j] = best;
      mc[n * P + j] = bc;
    };
    for (let n = 0; n < N; n++) for (let j = 0; j < P; j++) rowMin(n, j);
    // colMin[j]: the best image for prototype j (first n on ties)
    const colMin = new Float32Array(P).fill(Infinity);
    const colArg = new Int32Array(P).fill(-1);
    const column = (j: number) => {
      let best = Infinity, bn = -1;
      for (let n = 0; n < N; n++) {
        const v = m[n * P + j]!;
        if (v < best) { best = v; bn = n; }
      }
      colMin[j] = best;
      colArg[j] = bn;
    };
    for (let j = 0; j < P; j++) column(j);
    for (let it = 0; it < P; it++) {
      // the global minimum in row-major (n, j, h, w) order: smallest value, then smallest n, then smallest j
      let j = -1;
      for (let k = 0; k < P; k++) {
        if (done[k] || colArg[k]! < 0) continue;
        if (j < 0 || colMin[k]! < colMin[j]! || (colMin[k] === colMin[j] && colArg[k]! < colArg[j]!)) j = k;
      }
      if (j < 0) break; // nothing finite is left
      done[j] = 1;
      const n = colArg[j]!, c = mc[n * P + j]!, dist = colMin[j]!;
      if (!(dist < this.bestDist[j]!)) continue;
      this.accept(j, dist, z, n, c, cells, Wz, indices[n]!);
      if (filter === 'sample') {
        rowBlocked[n] = 1;
        for (let k = 0; k < P; k++) {
          m[n * P + k] = Infinity;
          if (!done[k] && colArg[k] === n) column(k);
        }
      } else {
        cellBlocked[n * cells + c] = 1;
        for (let k = 0; k < P; k++) {
          if (done[k] || mc[n * P + k] !== c) continue;
          rowMin(n, k);
          if (colArg[k] === n) column(k);
        }
      }
    }
  }
}

function norm(t: tf.Tensor): number {
  return tf.tidy(() => tf.norm(t).dataSync()[0]!);
}

/**
 * Pushes the prototypes of `model` onto the patches of `batches` (the unaugmented training view) and returns the
 * statistics. The model's push records are updated; prototypes without a candidate become zero vectors.
 */
export async function pushPrototypes(model: ProtoNet, batches: AsyncIterable<PushBatch> | Iterable<PushBatch>, filter: DuplicateFilter = 'sample',
  microBatch?: number): Promise<PushStats> {
  const { numPrototypes: P, prototypeDim: D, classSpecific } = model.config;
  const state = new PushState(P, D, model.push);
  const protoClass = classSpecific ? Int32Array.from({ length: P }, (_, j) => model.prototypeClass(j)) : undefined;
  const normBefore = norm(model.prototypes);
  const [Hz, Wz] = model.latentGrid;
  for await (const b of batches) {
    // forwards in micro-batches (memory); the greedy assignment still sees the whole batch, as the reference does
    const N = b.x.shape[0];
    const zd = new Float32Array(N * Hz * Wz * D), dd = new Float32Array(N * Hz * Wz * P);
    for (const [start, len] of chunks(N, microBatch ?? N)) {
      const x = rows(b.x, start, len);
      const { z, distances } = model.pushForward(x);
      if (x !== b.x) x.dispose();
      zd.set((await z.data()) as Float32Array, start * Hz * Wz * D);
      dd.set((await distances.data()) as Float32Array, start * Hz * Wz * P);
      tf.dispose([z, distances]);
    }
    state.update(dd, zd, [N, Hz, Wz], b.y, b.indices, protoClass, filter);
  }
  const values = tf.tensor2d(state.bestPatch, [P, D]) as Tensor2D;
  model.setPrototypes(values, { sampleIdxs: state.sampleIdxs, fmapIdxs: state.fmapIdxs });
  values.dispose();
  const assigned = Array.from(state.bestDist.keys()).filter((j) => state.bestDist[j] !== Infinity);
  return {
    quantiles: quantiles(state.bestDist, [0, 0.25, 0.5, 0.75, 1]) as PushStats['quantiles'],
    nans: state.bestDist.filter(Number.isNaN).length,
    unassigned: P - assigned.length,
    distinctSamples: new Set(assigned.map((j) => state.sampleIdxs[j]!)).size,
    normBefore,
    normAfter: norm(model.prototypes),
  };
}
