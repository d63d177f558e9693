/**
 * Consistency and stability over a test set (spec §6.1–6.4), and part-correctness where the dataset names its
 * class-defining parts: one pass over an evaluation loader computes every requested box method from the same
 * forwards, on the clean images and on the images with Gaussian noise.
 */
import { log, tf, tfSeed } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import type { DataLoader } from '@pixpnet/data';
import type { ProtoNet } from '@pixpnet/models';
import { forwardArrays, requireClassSpecific } from '../forward.js';
import type { ForwardArrays } from '../forward.js';
import { batchParts, describeOutside } from '../parts.js';
import type { OutsidePart } from '../parts.js';
import { boxAround, checkBoxMethods, defaultBoxRadius, partsInBox, prototypeCenters } from './boxes.js';
import { rfHeatmaps } from '../maps/gaussian.js';
import type { BoxMethod } from './boxes.js';
import { ConsistencyAccumulator, StabilityAccumulator } from './consistency.js';
import type { ConsistencyOptions, PartMetric } from './consistency.js';
import { PART_TOP_K, PartCorrectnessAccumulator } from './part_correctness.js';
import type { PartCorrectness } from './part_correctness.js';

/** Options of {@link partMetrics}. */
export interface PartMetricsOptions {
  /** Box methods to score (default `['bbox']`). */
  methods?: readonly BoxMethod[];
  /** Half-size of the prototype box in pixels (default {@link defaultBoxRadius} of the input size). */
  boxRadius?: number;
  consistency?: boolean;
  stability?: boolean;
  /**
   * The parts that define each class (0-based class → merged part ids, as `readClassParts` gives): with them,
   * part-correctness is computed too (see `PartCorrectnessAccumulator`), from the same forwards and boxes.
   */
  classParts?: ReadonlyMap<number, ReadonlySet<number>>;
  /** Part-correctness: the top images of each prototype, by its maximum similarity over the whole split (default 10). */
  partTopK?: number;
  /** σ of the stability noise in normalised input space (default 0.2). */
  noiseStd?: number;
  /** Seed of the stability noise (default 0); each batch draws fresh noise from it. */
  seed?: number;
  legacyPartMapping?: boolean;
  legacySoftStability?: boolean;
  /**
   * The reference's consistency of a prototype whose class's images never show some part: NaN (see
   * {@link ConsistencyOptions}); the part ids are `0 …` the largest annotated in the loader's samples (visible or not).
   */
  legacyMissingPartNan?: boolean;
  /** Images per forward (default: the whole batch). */
  microBatch?: number;
  /** Called after each batch with images done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link partMetrics} returns. */
export interface PartMetricsResult {
  boxRadius: number;
  /** Images with at least one visible part inside the input (the others are skipped, spec §6.1). */
  images: number;
  skippedImages: number;
  /** Visible parts that fell outside the input after mapping. */
  droppedParts: number;
  /** Visible parts annotated outside their image (ignored, with a warning naming file:line). */
  outsideParts: number;
  consistency?: Partial<Record<BoxMethod, PartMetric>>;
  stability?: Partial<Record<BoxMethod, PartMetric>>;
  /** With `classParts`. */
  partCorrectness?: Partial<Record<BoxMethod, PartCorrectness>>;
}

/** Scores the prototypes of a class-specific `model` on the images of `loader` (an evaluation loader over a split with parts). */
export async function partMetrics(model: ProtoNet, loader: DataLoader, o: PartMetricsOptions = {}): Promise<PartMetricsResult> {
  requireClassSpecific(model);
  const methods = [...(o.methods ?? ['bbox'])];
  checkBoxMethods(methods);
  if (loader.options.augment) throw new Error('partMetrics: give an evaluation loader (augment: false); augmented images move the parts.');
  const [H, W] = model.config.inputSize;
  const radius = o.boxRadius ?? defaultBoxRadius(Math.max(H, W));
  const doC = o.consistency !== false, doS = o.stability !== false;
  const P = model.config.numPrototypes;
  const [Hz, Wz] = model.latentGrid;
  const cells = P * Hz * Wz;
  // the reference's part ids: 0 … the largest id in the whole annotation table (every sample, visible or not)
  const numParts = o.legacyMissingPartNan ? loader.samples.reduce((n, s) => (s.parts ?? []).reduce((m, q) => Math.max(m, q.partId + 1), n), 0) : 0;
  const cons = new Map(methods.map((m) => [m, new ConsistencyAccumulator(P, o.legacyMissingPartNan ? { legacyMissingPartNan: true, numParts } : {})]));
  const stab = new Map(methods.map((m) => [m, new StabilityAccumulator(P, { legacySoftStability: o.legacySoftStability ?? false })]));
  const classParts = o.classParts;
  const definedBy = (p: number) => classParts?.get(model.prototypeClass(p));
  const corr = classParts ? new Map(methods.map((m) => [m, new PartCorrectnessAccumulator(P, o.partTopK ?? PART_TOP_K, definedBy)])) : undefined;
  const selection = corr?.get(methods[0]!); // every method's accumulator keeps the same images (by similarity)
  const maps = methods.some((m) => m.startsWith('heatmap'));
  const total = loader.options.indices?.length ?? loader.samples.length;
  let images = 0, skipped = 0, dropped = 0, done = 0, batchNo = 0;
  const outside: OutsidePart[] = [];
  o.onProgress?.(0, total); // the stage begins
  for await (const batch of loader) {
    try {
      const { parts, dropped: d, outside: out } = batchParts(batch, loader.samples, { preset: loader.preset, legacyPartMapping: o.legacyPartMapping ?? false });
      dropped += d;
      outside.push(...out);
      const labels = batch.y.dataSync();
      const fw = { maps, ...(o.microBatch ? { microBatch: o.microBatch } : {}) };
      const clean = forwardArrays(model, batch.x, fw);
      let noisy: ForwardArrays | undefined;
      if (doS) {
        const xn = tf.tidy(() => tf.add(batch.x, tf.randomNormal(batch.x.shape, 0, o.noiseStd ?? 0.2, 'float32', tfSeed((o.seed ?? 0) * 7919 + batchNo))) as Tensor4D);
        try {
          noisy = forwardArrays(model, xn, fw);
        } finally {
          xn.dispose();
        }
      }
      parts.forEach((imgParts, n) => {
        if (!imgParts.length) { skipped++; return; }
        images++;
        const protos = model.classPrototypes(labels[n]!);
        // the RF heat maps once per image and input, for every heat-map box method
        const heat = (f: ForwardArrays, ps: readonly number[]) => (maps ? rfHeatmaps(f.similarities!.subarray(n * cells, (n + 1) * cells), model.latentGrid, model.rfBoxes, model.config.inputSize, { prototypes: ps }) : undefined);
        const doCS = doC || doS;
        const [hClean, hNoisy] = doCS ? [heat(clean, protos), noisy && heat(noisy, protos)] : [];
        // part-correctness: every prototype (of any class) for which this image enters its top images
        const sims = clean.maxSimilarities.subarray(n * P, (n + 1) * P);
        const top = selection ? Array.from({ length: P }, (_, p) => p).filter((p) => selection.enters(p, sims[p]!)) : [];
        const hTop = top.length ? heat(clean, top) : undefined;
        for (const m of methods) {
          const inBoxes = (f: ForwardArrays, ps: readonly number[], h: ReturnType<typeof heat>) =>
            prototypeCenters(m, model, ps, f.minDistIdxs.subarray(n * P, (n + 1) * P), h).map((c) => partsInBox(imgParts, boxAround(c, radius)));
          if (doCS) {
            const a = inBoxes(clean, protos, hClean);
            if (doC) protos.forEach((p, q) => cons.get(m)!.add(p, a[q]!));
            if (noisy) {
              const b = inBoxes(noisy, protos, hNoisy);
              protos.forEach((p, q) => stab.get(m)!.add(p, a[q]!, b[q]!));
            }
          }
          if (top.length) {
            const acc = corr!.get(m)!;
            inBoxes(clean, top, hTop).forEach((inBox, q) => acc.add(top[q]!, sims[top[q]!]!, acc.isHit(top[q]!, inBox)));
          }
        }
      });
    } finally {
      tf.dispose([batch.x, batch.y]);
    }
    batchNo++;
    done += batch.indices.length;
    o.onProgress?.(done, total);
  }
  if (outside.length) {
    log.warning(`${outside.length} visible part(s) are annotated outside their image and were ignored:\n` +
      `${outside.slice(0, 10).map((x) => `  ${describeOutside(x)}`).join('\n')}${outside.length > 10 ? `\n  … and ${outside.length - 10} more` : ''}`);
  }
  if (dropped) log.warning(`${dropped} visible part(s) fell outside the ${W}×${H} input after mapping and were left out.`);
  if (!images) throw new Error('No test image has a visible part inside the input: consistency, stability and part-correctness cannot be computed.');
  const out: PartMetricsResult = { boxRadius: radius, images, skippedImages: skipped, droppedParts: dropped, outsideParts: outside.length };
  if (doC) out.consistency = Object.fromEntries(methods.map((m) => [m, cons.get(m)!.result()]));
  if (doS) out.stability = Object.fromEntries(methods.map((m) => [m, stab.get(m)!.result()]));
  if (corr) out.partCorrectness = Object.fromEntries(methods.map((m) => [m, corr.get(m)!.result()]));
  return out;
}
