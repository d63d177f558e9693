/**
 * The per-image work of the loader — decode with sharp, bbox crop and resizes, the augmentation warps or the
 * evaluation crop, normalisation — as one self-contained task, run in the calling thread or in a worker of
 * {@link ImagePool}. Its random draws come with the task (drawn on the main thread in the loader's order), so
 * the result is the same bytes wherever it runs.
 */
import type { Sample } from '../datasets/types.js';
import type { TransformPreset } from '../transforms/presets.js';
import { finishEval, normalise, prepareImage } from '../transforms/eval.js';
import type { PreparedImage } from '../transforms/eval.js';
import { augment } from '../transforms/augment.js';
import { compose, scale } from '../transforms/homography.js';
import { resample } from '../transforms/resample.js';
import { giveBytes } from '../transforms/scratch.js';
import type { H3 } from '../transforms/homography.js';

/** Uniform draws given to one augmentation (it uses at most 57: blur 2, sharpness 1, rotation 2, perspective 9, shear 2, flip 1, crop 40). */
export const AUGMENT_DRAWS = 64;

/** One image to load. */
export interface ImageTask {
  /** The fields of the sample the pipeline reads (a worker gets no more than it needs). */
  sample: Pick<Sample, 'id' | 'path' | 'bbox' | 'pixels'>;
  preset: TransformPreset;
  /** The decoded image (from the loader's cache): decoding is skipped. */
  prepared?: PreparedImage;
  /** Return the decoded image for the cache (in a worker: in shared memory, so passing it back costs no copy). */
  keepPrepared?: boolean;
  /** Training augmentation with these uniform [0, 1) draws, in order; none: the evaluation pipeline. */
  draws?: Float64Array;
}

/** A loaded image: normalised HWC float32 pixels, their size and the homography from original coordinates to them. */
export interface ImageResult {
  data: Float32Array;
  width: number;
  height: number;
  transform: H3;
  origShape: [number, number, number];
  /** With `keepPrepared`, the decoded image. */
  prepared?: PreparedImage;
}

/** Runs a task. Errors name the file (from {@link prepareImage}). */
export async function runImageTask(t: ImageTask, shared = false): Promise<ImageResult> {
  const p = t.preset;
  let prep = t.prepared;
  let fresh: PreparedImage | undefined;
  if (!prep) {
    prep = await prepareImage(t.sample as Sample, p);
    if (t.keepPrepared) fresh = shared ? toShared(prep) : prep;
  }
  const g = prep.geometry;
  const out = (r: Omit<ImageResult, 'prepared'>): ImageResult => (fresh ? { ...r, prepared: fresh } : r);
  if (!t.draws) {
    const e = await finishEval(prep, p);
    const q = e.geometry;
    return out({ data: e.data, width: q.width, height: q.height, transform: [q.sx, 0, q.tx, 0, q.sy, q.ty, 0, 0, 1], origShape: prep.origShape });
  }
  const draws = t.draws;
  let k = 0;
  const rand = () => {
    if (k >= draws.length) throw new Error(`augmentation needed more than ${draws.length} random draws`);
    return draws[k++]!;
  };
  let { image, transform } = augment(prep.rgb, rand, { ...(p.crop ? { crop: p.crop } : {}), ...(p.cropPadding !== undefined ? { cropPadding: p.cropPadding } : {}) });
  if (p.downsample) {
    const m = scale(p.downsample / image.w, p.downsample / image.h);
    const augmented = image;
    image = resample(image, p.downsample, p.downsample);
    if (augmented !== prep.rgb) giveBytes(augmented.data);
    transform = compose(m, transform);
  }
  const base: H3 = [g.sx, 0, g.tx, 0, g.sy, g.ty, 0, 0, 1];
  const data = normalise(image, p);
  if (image !== prep.rgb) giveBytes(image.data);
  return out({ data, width: image.w, height: image.h, transform: compose(transform, base), origShape: prep.origShape });
}

/** A copy of a decoded image in a SharedArrayBuffer: threads pass it to each other without copying. */
function toShared(prep: PreparedImage): PreparedImage {
  const data = new Uint8Array(new SharedArrayBuffer(prep.rgb.data.length));
  data.set(prep.rgb.data);
  return { ...prep, rgb: { ...prep.rgb, data } };
}
