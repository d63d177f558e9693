/**
 * Batches of a dataset as an async iterable: NHWC float32 tensors, labels and original indices, with seeded
 * shuffling, prefetch of the next batches while the current one is used, the per-image work (decode, warps,
 * normalisation) in worker threads ({@link ImagePool}) or in the calling thread, and a bounded decoded-image
 * cache so that later epochs decode no file again.
 *
 * Determinism: the shuffle order and every image's augmentation draws derive from (seed, epoch, position) and
 * are drawn on the main thread; batches are assembled in order — the same seed gives byte-equal batches with
 * 0, 1 or N workers.
 */
import { log, tf } from '@pixpnet/engine';
import type { Tensor1D, Tensor4D } from '@pixpnet/engine';
import type { Sample } from './datasets/types.js';
import type { TransformPreset } from './transforms/presets.js';
import type { PreparedImage, TransformedImage } from './transforms/eval.js';
import type { H3 } from './transforms/homography.js';
import { Rng } from '@pixpnet/engine';
import { AUGMENT_DRAWS, runImageTask } from './pool/task.js';
import type { ImageResult, ImageTask } from './pool/task.js';
import { ImagePool } from './pool/pool.js';

/** One batch; dispose `x` and `y` when done. */
export interface Batch {
  x: Tensor4D;
  y: Tensor1D;
  /** Original indices: positions in the sample list given to the loader (see `LoaderOptions.indices`). */
  indices: number[];
  /** Per image, the homography from original image coordinates to batch pixels (for part keypoints). */
  transforms: H3[];
  /** Per image, `[C, H, W]` of the decoded file before any crop or resize (spec's `orig_shape`). */
  origShapes: Array<[number, number, number]>;
}

/** Options of {@link DataLoader}. */
export interface LoaderOptions {
  batchSize: number;
  shuffle?: boolean;
  dropLast?: boolean;
  seed?: number;
  /** Images decoded at once in the calling thread (default 4; without workers). */
  concurrency?: number;
  /**
   * Worker threads for the per-image work: 0 runs it in the calling thread; a number gives the loader a pool of
   * its own (end it with {@link DataLoader.close}); default: the process-wide {@link ImagePool.shared} pool of
   * cores − 1 (at least 1) workers. Batches are the same bytes whatever the number.
   */
  numWorkers?: number;
  /** A pool shared with other loaders (its owner closes it); takes precedence over `numWorkers`. */
  pool?: ImagePool;
  /** Batches read ahead while the current one is used (default 1 in the calling thread, 2 with workers). */
  prefetch?: number;
  /** Keep decoded images for later epochs (default true). */
  cache?: boolean;
  /**
   * Bound of the decoded-image cache in MiB (default: unbounded). Once full, further images are decoded afresh
   * each epoch (with shuffled epochs this keeps the best hit rate a cache of that size can have).
   */
  cacheMb?: number;
  /** Skip unreadable images (counted and reported at the end of the epoch) instead of failing. */
  skipCorrupt?: boolean;
  /** Training mode: fresh seeded augmentation (spec §5.2) every epoch; decoded images are still cached. */
  augment?: boolean;
  /**
   * The items to iterate, as positions in `samples` (repeats allowed: an augment factor, a split from
   * `makeSplits`); default every sample once. Batches report these original positions.
   */
  indices?: readonly number[];
}

/** A loaded item: normalised pixels and the homography from original image coordinates to them. */
export interface LoadedImage extends TransformedImage {
  transform: H3;
}

/** A loader over samples with a transform preset. Iterate it once per epoch. */
export class DataLoader implements AsyncIterable<Batch> {
  private readonly cache = new Map<number, PreparedImage>();
  private cacheBytes = 0;
  private ownPool: ImagePool | undefined;
  /**
   * The epoch the next iteration runs: its shuffle order and augmentation derive from the seed and this number
   * alone, and each iteration increments it. Set it to replay an epoch exactly (resuming a run).
   */
  epoch = 0;
  /** Files skipped in the last epoch (with `skipCorrupt`). */
  skipped: string[] = [];

  constructor(
    readonly samples: readonly Sample[],
    readonly preset: TransformPreset,
    readonly options: LoaderOptions,
  ) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new Error(`batchSize must be a whole number ≥ 1, got ${options.batchSize}.`);
    const w = options.numWorkers;
    if (w !== undefined && (!Number.isInteger(w) || w < 0)) throw new Error(`numWorkers must be a whole number ≥ 0, got ${w}.`);
    const pf = options.prefetch;
    if (pf !== undefined && (!Number.isInteger(pf) || pf < 0)) throw new Error(`prefetch must be a whole number ≥ 0, got ${pf}.`);
    if (options.cacheMb !== undefined && !(options.cacheMb >= 0)) throw new Error(`cacheMb must be ≥ 0, got ${options.cacheMb}.`);
  }

  private get items(): readonly number[] {
    return this.options.indices ?? this.samples.map((_, i) => i);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.items.length / this.options.batchSize;
    return this.options.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** Decoded images in the cache and their size in bytes. */
  get cacheStats(): { images: number; bytes: number } {
    return { images: this.cache.size, bytes: this.cacheBytes };
  }

  /** Ends the worker pool the loader created (a shared `pool` is left to its owner). Iterating again starts a new one. */
  async close(): Promise<void> {
    const p = this.ownPool;
    this.ownPool = undefined;
    await p?.close();
  }

  private get pool(): ImagePool | undefined {
    if (this.options.pool) return this.options.pool;
    if (this.options.numWorkers === undefined) return ImagePool.shared();
    if (this.options.numWorkers === 0) return undefined;
    return (this.ownPool ??= new ImagePool(this.options.numWorkers));
  }

  private order(): number[] {
    const idx = [...this.items];
    return this.options.shuffle ? new Rng((((this.options.seed ?? 0) * 2654435761) + this.epoch * 40503) >>> 0).shuffle(idx) : idx;
  }

  /** Seeded uniform draws for (epoch, position in the epoch): repeats of one image (augment factor) differ. */
  private draws(epoch: number, pos: number): Float64Array {
    const r = new Rng((((this.options.seed ?? 0) * 2654435761) ^ (epoch * 97531) ^ (pos * 7919)) >>> 0);
    const d = new Float64Array(AUGMENT_DRAWS);
    for (let k = 0; k < d.length; k++) d[k] = r.next();
    return d;
  }

  private keep(i: number, prep: PreparedImage): void {
    const bytes = prep.rgb.data.byteLength;
    const limit = this.options.cacheMb === undefined ? Infinity : this.options.cacheMb * 2 ** 20;
    if (this.cache.has(i) || this.cacheBytes + bytes > limit) return;
    this.cache.set(i, prep);
    this.cacheBytes += bytes;
  }

  private async load(i: number, epoch: number, pos: number, pool: ImagePool | undefined): Promise<LoadedImage | undefined> {
    const s = this.samples[i]!;
    const prepared = this.cache.get(i);
    const task: ImageTask = {
      sample: { id: s.id, path: s.path, ...(s.bbox ? { bbox: s.bbox } : {}), ...(s.pixels ? { pixels: s.pixels } : {}) },
      preset: this.preset,
      ...(prepared ? { prepared } : { keepPrepared: this.options.cache !== false && this.options.cacheMb !== 0 }),
      ...(this.options.augment ? { draws: this.draws(epoch, pos) } : {}),
    };
    let r: ImageResult;
    try {
      r = pool ? await pool.run(task) : await runImageTask(task);
    } catch (e) {
      if (!this.options.skipCorrupt) throw e;
      this.skipped.push(s.path || `#${i}`);
      return undefined;
    }
    if (r.prepared) this.keep(i, r.prepared);
    const augmented = this.options.augment;
    const t = r.transform;
    const geometry = augmented
      ? { sx: NaN, sy: NaN, tx: NaN, ty: NaN, width: r.width, height: r.height }
      : { sx: t[0]!, sy: t[4]!, tx: t[2]!, ty: t[5]!, width: r.width, height: r.height };
    return { data: r.data, geometry, origShape: r.origShape, transform: t };
  }

  private async decode(indices: number[], epoch: number, first: number, pool: ImagePool | undefined): Promise<Array<[number, LoadedImage | undefined]>> {
    if (pool) {
      // every image of the batch is queued at once; the pool runs them in parallel and the batch keeps its order
      const imgs = await Promise.all(indices.map((i, n) => this.load(i, epoch, first + n, pool)));
      return indices.map((i, n) => [i, imgs[n]]);
    }
    const out: Array<[number, LoadedImage | undefined]> = [];
    const conc = this.options.concurrency ?? 4;
    for (let k = 0; k < indices.length; k += conc) {
      const part = indices.slice(k, k + conc);
      const imgs = await Promise.all(part.map((i, n) => this.load(i, epoch, first + k + n, undefined)));
      part.forEach((i, n) => out.push([i, imgs[n]]));
    }
    return out;
  }

  private toBatch(items: Array<[number, LoadedImage | undefined]>): Batch | undefined {
    const ok = items.filter((it): it is [number, LoadedImage] => it[1] !== undefined);
    if (!ok.length) return undefined;
    const { width: w, height: h } = ok[0]![1].geometry;
    const data = new Float32Array(ok.length * w * h * 3);
    ok.forEach(([, img], n) => {
      if (img.geometry.width !== w || img.geometry.height !== h) {
        throw new Error(`Images of one batch differ in size (${img.geometry.width}x${img.geometry.height} vs ${w}x${h}): give the preset a crop or downsample size.`);
      }
      data.set(img.data, n * w * h * 3);
    });
    return {
      x: tf.tensor4d(data, [ok.length, h, w, 3]),
      y: tf.tensor1d(ok.map(([i]) => this.samples[i]!.label), 'int32'),
      indices: ok.map(([i]) => i),
      transforms: ok.map(([, img]) => img.transform),
      origShapes: ok.map(([, img]) => img.origShape),
    };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const order = this.order();
    const epoch = this.epoch++;
    this.skipped = [];
    const bs = this.options.batchSize;
    const chunks: number[][] = [];
    for (let k = 0; k < order.length; k += bs) {
      const c = order.slice(k, k + bs);
      if (c.length === bs || !this.options.dropLast) chunks.push(c);
    }
    // a read-ahead is owned from the start: its failure surfaces where its batch is consumed (the await below), or is
    // dropped with it when the consumer stops early — never an unhandled rejection while the consumer is busy
    const pool = this.pool;
    const readAhead = (k: number) => {
      const p = this.decode(chunks[k]!, epoch, k * bs, pool);
      p.catch(() => undefined);
      return p;
    };
    const depth = Math.max(1, this.options.prefetch ?? (pool ? 2 : 1));
    const pending: Array<ReturnType<typeof readAhead>> = [];
    let queued = 0;
    const fill = (limit: number) => { while (queued < chunks.length && pending.length < limit) pending.push(readAhead(queued++)); };
    fill(1);
    for (let k = 0; k < chunks.length; k++) {
      const items = await pending.shift()!;
      fill(depth); // prefetch while the batch is used
      const batch = this.toBatch(items);
      if (batch) yield batch;
    }
    if (this.skipped.length) log.warning(`Skipped ${this.skipped.length} unreadable image(s): ${this.skipped.slice(0, 5).join(', ')}${this.skipped.length > 5 ? ', …' : ''}`);
  }
}
