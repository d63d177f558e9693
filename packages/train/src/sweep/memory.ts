/**
 * A split held in memory: the sweep trains dozens of rows on the same images, so a small dataset whose images need
 * no augmentation is transformed once and served as batches from float arrays (seeded shuffling per epoch), instead
 * of being re-read through the image pipeline for every row and epoch.
 */
import { Rng, tf } from '@pixpnet/engine';
import type { Tensor1D, Tensor4D } from '@pixpnet/engine';
import type { DataLoader } from '@pixpnet/data';

/** A batch of images and labels; dispose both. */
export interface XY {
  x: Tensor4D;
  y: Tensor1D;
}

/** Batches of a split, one pass per iteration. */
export type BatchSource = AsyncIterable<XY> & { readonly length: number; epoch: number };

/** Bytes a split of `n` images of `h × w` takes in memory. */
export const splitBytes = (n: number, h: number, w: number) => n * h * w * 3 * 4;

/** A split's images and labels in memory, batched like a loader. */
export class ArrayLoader implements BatchSource {
  /** The next pass's number: its shuffle derives from the seed and this alone. */
  epoch = 0;

  private constructor(
    private readonly x: Float32Array,
    private readonly y: Int32Array,
    private readonly hw: [number, number],
    private readonly batchSize: number,
    private readonly options: { shuffle: boolean; seed: number },
  ) {}

  /** Reads every batch of `loader` once (it must not augment) into memory. */
  static async from(loader: DataLoader, batchSize: number, options: { shuffle: boolean; seed: number }): Promise<ArrayLoader> {
    if (loader.options.augment) throw new Error('ArrayLoader.from: give a loader without augmentation.');
    const xs: Float32Array[] = [], ys: number[] = [];
    let hw: [number, number] = [0, 0];
    for await (const b of loader) {
      hw = [b.x.shape[1], b.x.shape[2]];
      xs.push(b.x.dataSync() as Float32Array);
      ys.push(...(b.y.dataSync() as Int32Array));
      tf.dispose([b.x, b.y]);
    }
    const x = new Float32Array(xs.reduce((a, v) => a + v.length, 0));
    let at = 0;
    for (const v of xs) { x.set(v, at); at += v.length; }
    return new ArrayLoader(x, Int32Array.from(ys), hw, batchSize, options);
  }

  get length(): number {
    return Math.ceil(this.y.length / this.batchSize);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<XY> {
    const n = this.y.length, [h, w] = this.hw, per = h * w * 3;
    const order = Array.from({ length: n }, (_, i) => i);
    if (this.options.shuffle) new Rng(this.options.seed * 7919 + this.epoch).shuffle(order);
    this.epoch++;
    for (let k = 0; k < n; k += this.batchSize) {
      const idx = order.slice(k, k + this.batchSize);
      const x = new Float32Array(idx.length * per);
      idx.forEach((i, j) => x.set(this.x.subarray(i * per, (i + 1) * per), j * per));
      yield { x: tf.tensor4d(x, [idx.length, h, w, 3]), y: tf.tensor1d(Int32Array.from(idx.map((i) => this.y[i]!)), 'int32') };
    }
  }
}
