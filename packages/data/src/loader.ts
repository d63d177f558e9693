/**
 * Batches of a dataset as an async iterable: NHWC float32 tensors, labels and original indices, with seeded
 * shuffling, prefetch of the next batch while the current one is used, concurrent decoding (sharp works off
 * the main thread), and a decoded-image cache so that later epochs decode no file again.
 */
import { log, tf } from '@pixpnet/engine';
import type { Tensor1D, Tensor4D } from '@pixpnet/engine';
import type { Sample } from './datasets/types.js';
import type { TransformPreset } from './transforms/presets.js';
import { finishEval, normalise, prepareImage } from './transforms/eval.js';
import type { PreparedImage, TransformedImage } from './transforms/eval.js';
import { augment } from './transforms/augment.js';
import { compose, scale, warp } from './transforms/homography.js';
import type { H3 } from './transforms/homography.js';
import { Rng } from '@pixpnet/engine';

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
  /** Images decoded at once (default 4). */
  concurrency?: number;
  /** Keep decoded images for later epochs (default true). */
  cache?: boolean;
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
  }

  private get items(): readonly number[] {
    return this.options.indices ?? this.samples.map((_, i) => i);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.items.length / this.options.batchSize;
    return this.options.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  private order(): number[] {
    const idx = [...this.items];
    return this.options.shuffle ? new Rng((((this.options.seed ?? 0) * 2654435761) + this.epoch * 40503) >>> 0).shuffle(idx) : idx;
  }

  /** Seeded uniform numbers for (epoch, position in the epoch): repeats of one image (augment factor) differ. */
  private random(epoch: number, pos: number): () => number {
    const r = new Rng((((this.options.seed ?? 0) * 2654435761) ^ (epoch * 97531) ^ (pos * 7919)) >>> 0);
    return () => r.next();
  }

  private async load(i: number, epoch: number, pos: number): Promise<LoadedImage | undefined> {
    try {
      let prep = this.cache.get(i);
      if (!prep) {
        prep = await prepareImage(this.samples[i]!, this.preset);
        if (this.options.cache !== false) this.cache.set(i, prep);
      }
      const g = prep.geometry;
      const base: H3 = [g.sx, 0, g.tx, 0, g.sy, g.ty, 0, 0, 1];
      if (!this.options.augment) {
        const out = await finishEval(prep, this.preset);
        const e = out.geometry;
        return { ...out, transform: [e.sx, 0, e.tx, 0, e.sy, e.ty, 0, 0, 1] };
      }
      const p = this.preset;
      let { image, transform } = augment(prep.rgb, this.random(epoch, pos), { ...(p.crop ? { crop: p.crop } : {}), ...(p.cropPadding !== undefined ? { cropPadding: p.cropPadding } : {}) });
      if (p.downsample) {
        const m = scale(p.downsample / image.w, p.downsample / image.h);
        image = warp(image, m, p.downsample, p.downsample, 'bilinear');
        transform = compose(m, transform);
      }
      const full = compose(transform, base);
      return { data: normalise(image, p), geometry: { sx: NaN, sy: NaN, tx: NaN, ty: NaN, width: image.w, height: image.h }, origShape: prep.origShape, transform: full };
    } catch (e) {
      if (!this.options.skipCorrupt) throw e;
      this.skipped.push(this.samples[i]!.path || `#${i}`);
      return undefined;
    }
  }

  private async decode(indices: number[], epoch: number, first: number): Promise<Array<[number, LoadedImage | undefined]>> {
    const out: Array<[number, LoadedImage | undefined]> = [];
    const conc = this.options.concurrency ?? 4;
    for (let k = 0; k < indices.length; k += conc) {
      const part = indices.slice(k, k + conc);
      const imgs = await Promise.all(part.map((i, n) => this.load(i, epoch, first + k + n)));
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
    const readAhead = (k: number) => {
      const p = this.decode(chunks[k]!, epoch, k * bs);
      p.catch(() => undefined);
      return p;
    };
    let next = chunks.length ? readAhead(0) : undefined;
    for (let k = 0; k < chunks.length; k++) {
      const items = await next!;
      next = k + 1 < chunks.length ? readAhead(k + 1) : undefined; // prefetch while the batch is used
      const batch = this.toBatch(items);
      if (batch) yield batch;
    }
    if (this.skipped.length) log.warning(`Skipped ${this.skipped.length} unreadable image(s): ${this.skipped.slice(0, 5).join(', ')}${this.skipped.length > 5 ? ', …' : ''}`);
  }
}
