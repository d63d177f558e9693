/**
 * The relevance ordering test (spec §6.5): start from a baseline image, add the image's pixels back in the order of
 * a heat map (most relevant first), and follow the prototype's similarity. A heat map that ranks the pixels the
 * prototype really depends on first recovers the similarity with fewer pixels (a larger area under the curve).
 */
import { Rng, nanMean, roundHalfEven, tf, tfSeed } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import type { DataLoader } from '@pixpnet/data';
import type { ProtoNet } from '@pixpnet/models';
import { forwardArrays, requireClassSpecific } from '../forward.js';
import { heatmapMethod } from '../maps/registry.js';
import { rotSteps } from './steps.js';
import { pctAtOrigSim, rotArea } from './summary.js';

/** The parameters of a ROT (defaults: the paper's notebook). */
export interface RotParams {
  /** Heat-map method from the registry (`rf`, `upsample`, `random`, `prp`, …). */
  method: string;
  /** Test images (default 50). */
  numSamples: number;
  /**
   * Which images: the `first` in loader order (the reference; on a split sorted by class, as CUB's and the synthetic
   * set's test splits are, 50 images cover one or two classes), or `spread` evenly over the split (every class).
   */
  sampleOrder: 'first' | 'spread';
  /** Only the prototypes of the image's class (default true). */
  sameClass: boolean;
  /** Divide each similarity by the prototype's similarity on the original image (default false). */
  normalized: boolean;
  /** Fraction of the pixels added back (default 1: all). */
  propPixels: number;
  /** Baseline of zeros (the dataset mean) instead of seeded standard normal noise (default false). */
  zeros: boolean;
  /** Seed of the baseline and of random heat maps (default 4). */
  seed: number;
  /** Pixel counts evaluated (default: every count, the exact test); see {@link rotSteps}. */
  steps: number | null;
  /**
   * The reference's per-batch image counting: after each loader batch, the number of images it evaluated (fewer than
   * the batch size when `numSamples` cuts it) is credited to the prototypes of the class of its last image only (the
   * other classes' prototypes are divided by zero when a batch mixes classes).
   */
  legacyRotCounting: boolean;
  /** Images per forward and the batch of the legacy counting (the test batch size). */
  batchSize: number;
}

/** The defaults of {@link RotParams} (the notebook's values). */
export const ROT_DEFAULTS: Omit<RotParams, 'method' | 'batchSize'> = {
  numSamples: 50, sampleOrder: 'first', sameClass: true, normalized: false, propPixels: 1, zeros: false, seed: 4, steps: null, legacyRotCounting: false,
};

/** A ROT's outcome. */
export interface RotResult {
  params: RotParams;
  /** Pixel counts evaluated. */
  steps: number[];
  /** The same as % of the image's pixels. */
  xPct: number[];
  /** Per prototype, its mean curve over the images it was evaluated on (null: never evaluated). */
  perPrototype: Array<number[] | null>;
  /** The NaN-ignoring mean of the prototype curves. */
  agg: number[];
  /** Trapezoid area of the normalised aggregate curve over the fraction of pixels. */
  area: number;
  /** % of pixels at which the aggregate first reaches its final value. */
  pctAtOrigSim: number;
  images: number;
  forwards: number;
  seconds: number;
}

/** Options of {@link relevanceOrderingTest} besides the parameters. */
export interface RotRunOptions {
  microBatch?: number;
  /** Called after each forward batch with forwards done and the total planned. */
  onProgress?: (done: number, total: number) => void;
}

/** The size of a ROT: pixel counts `T = round(H·W·prop) + 1` (Python rounding), the prototypes per image, the images. */
export function rotPlan(model: ProtoNet, p: Pick<RotParams, 'propPixels' | 'sameClass' | 'numSamples' | 'steps'>, available: number) {
  const [H, W] = model.config.inputSize;
  const T = roundHalfEven(H * W * p.propPixels) + 1;
  const steps = rotSteps(T, p.steps ?? undefined);
  const perImage = p.sameClass ? model.config.numPrototypes / model.config.numClasses : model.config.numPrototypes;
  const images = Math.min(p.numSamples, available);
  return { T, steps, perImage, images, forwards: images * perImage * steps.length };
}

/** Positions (in loader order) of the images a ROT evaluates among `available`. */
export function rotSamplePositions(available: number, numSamples: number, order: RotParams['sampleOrder']): number[] {
  const n = Math.min(numSamples, available);
  return Array.from({ length: n }, (_, i) => (order === 'spread' ? Math.floor((i * available) / n) : i));
}

/** Checks the ROT parameters' ranges (the method is checked by the registry). */
export function checkRotParams(p: Partial<RotParams>): void {
  const q = { ...ROT_DEFAULTS, ...p };
  if (!(q.propPixels > 0 && q.propPixels <= 1)) throw new Error(`--rot.prop-pixels must be in (0, 1], got ${q.propPixels}.`);
  if (q.sampleOrder !== 'first' && q.sampleOrder !== 'spread') throw new Error(`--rot.sample-order must be first or spread, got '${String(q.sampleOrder)}'.`);
  if (!Number.isInteger(q.numSamples) || q.numSamples < 1) throw new Error(`--rot.num-samples must be a whole number ≥ 1, got ${q.numSamples}.`);
  if (q.steps !== null && (!Number.isInteger(q.steps) || q.steps < 2)) throw new Error(`--rot.steps must be a whole number ≥ 2 (or omitted for the exact test), got ${q.steps}.`);
}

/** Descending order of a map's pixels (ties: lower index first; NaN counts as −∞, last). */
function descendingOrder(map: Float32Array, offset: number, n: number): Int32Array {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const v = Float32Array.from(map.subarray(offset, offset + n), (x) => (Number.isNaN(x) ? -Infinity : x));
  return idx.sort((a, b) => (v[b]! > v[a]! ? 1 : v[b]! < v[a]! ? -1 : a - b));
}

/** Runs the ROT of `params.method` on `numSamples` images of `loader` (an unshuffled evaluation loader) chosen by `sampleOrder`. */
export async function relevanceOrderingTest(model: ProtoNet, loader: DataLoader, params: Partial<RotParams> & Pick<RotParams, 'method' | 'batchSize'>, o: RotRunOptions = {}): Promise<RotResult> {
  requireClassSpecific(model);
  const p: RotParams = { ...ROT_DEFAULTS, ...params };
  const method = heatmapMethod(p.method);
  checkRotParams(p);
  const t0 = performance.now();
  const [H, W] = model.config.inputSize;
  const HW = H * W;
  const P = model.config.numPrototypes;
  const available = loader.options.indices?.length ?? loader.samples.length;
  const { steps, images: total, forwards: planned } = rotPlan(model, p, available);
  const chosen = new Set(rotSamplePositions(available, p.numSamples, p.sampleOrder));
  const K = steps.length;
  const all = Array.from({ length: P }, (_, j) => j);
  const protosOf = (label: number) => (p.sameClass ? model.classPrototypes(label) : all); // the prototypes evaluated on an image

  const baseline = p.zeros ? new Float32Array(HW * 3) : tf.tidy(() => tf.randomNormal([1, H, W, 3], 0, 1, 'float32', tfSeed(p.seed)).dataSync() as Float32Array);
  const cum = new Float64Array(P * K);
  const count = new Float64Array(P);
  const chunk = Math.max(1, p.batchSize);
  const buf = new Float32Array(chunk * HW * 3);
  let forwards = 0, images = 0, position = 0;
  o.onProgress?.(0, planned); // the stage begins

  for await (const batch of loader) {
    let pixels: Float32Array, labels: Int32Array;
    try {
      pixels = batch.x.dataSync() as Float32Array;
      labels = batch.y.dataSync() as Int32Array;
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
    let lastLabel = -1, evaluated = 0;
    for (let i = 0; i < batch.indices.length; i++, position++) {
      if (!chosen.has(position)) continue;
      lastLabel = labels[i]!;
      evaluated++;
      const img = pixels.subarray(i * HW * 3, (i + 1) * HW * 3);
      const protos = protosOf(labels[i]!);
      const x = tf.tensor4d(img, [1, H, W, 3]);
      let maps: Float32Array, orig: Float32Array;
      try {
        const f = forwardArrays(model, x, { maps: true });
        orig = f.maxSimilarities;
        const rng = new Rng(((p.seed * 2654435761) ^ ((images + 1) * 40503)) >>> 0);
        maps = await method.compute({ model, image: x, similarities: f.similarities!, prototypes: protos, random: () => rng.next() });
      } finally {
        x.dispose();
      }
      if (maps.length !== protos.length * HW) throw new Error(`Heat-map method '${p.method}' returned ${maps.length} values for ${protos.length} maps of ${H}×${W}.`);
      // every (prototype, step) image, in forward chunks; each prototype's images build up cumulatively
      const jobs: Array<[number, number]> = []; // [prototype, step index] of each buffered image
      const flush = () => {
        if (!jobs.length) return;
        const xb = tf.tensor4d(buf.subarray(0, jobs.length * HW * 3), [jobs.length, H, W, 3]) as Tensor4D;
        let sims: Float32Array;
        try {
          sims = forwardArrays(model, xb, o.microBatch ? { microBatch: o.microBatch } : {}).maxSimilarities;
        } finally {
          xb.dispose();
        }
        jobs.forEach(([q, k], j) => {
          const s = sims[j * P + q]!;
          cum[q * K + k]! += p.normalized ? s / orig[q]! : s;
        });
        forwards += jobs.length;
        jobs.length = 0;
        o.onProgress?.(forwards, planned);
      };
      const cur = new Float32Array(HW * 3);
      for (let qi = 0; qi < protos.length; qi++) {
        const q = protos[qi]!;
        const order = descendingOrder(maps, qi * HW, HW);
        cur.set(baseline);
        let filled = 0;
        for (let k = 0; k < K; k++) {
          for (; filled < steps[k]!; filled++) {
            const px = order[filled]! * 3;
            cur[px] = img[px]!; cur[px + 1] = img[px + 1]!; cur[px + 2] = img[px + 2]!;
          }
          buf.set(cur, jobs.length * HW * 3);
          jobs.push([q, k]);
          if (jobs.length === chunk) flush();
        }
        if (!p.legacyRotCounting) count[q]!++;
      }
      flush();
      await new Promise((r) => setImmediate(r)); // let progress output through
      images++;
    }
    if (p.legacyRotCounting && lastLabel >= 0) {
      // the reference: once per batch, the number of images it evaluated (the batch cut to the samples still wanted,
      // `len(x)` after truncation, not the loader's batch size) to the prototypes of the batch's last image's class
      for (const q of protosOf(lastLabel)) count[q]! += evaluated;
    }
    if (images >= total) break;
  }
  const perPrototype = Array.from({ length: P }, (_, q) => {
    if (!p.legacyRotCounting && count[q] === 0) return null;
    return Array.from(cum.subarray(q * K, (q + 1) * K), (v) => v / count[q]!);
  });
  const agg = Array.from({ length: K }, (_, k) => nanMean(perPrototype.map((c) => (c ? c[k]! : NaN))));
  const xPct = steps.map((t) => (t / HW) * 100);
  const area = rotArea(steps.map((t) => t / HW), agg);
  return { params: p, steps, xPct, perPrototype, agg, area, pctAtOrigSim: pctAtOrigSim(xPct, agg), images, forwards, seconds: (performance.now() - t0) / 1000 };
}
