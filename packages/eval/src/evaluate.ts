/**
 * The whole interpretability evaluation of a trained model on a split (spec §6): consistency and stability of the
 * chosen box methods (and their part-correctness, where the dataset names its class-defining parts), and the ROT of
 * the chosen heat-map methods with its figure, written under a results folder (`interpretability.yaml`,
 * `rot/<key>.json`, `rot.svg`, `rot.png`). Everything that can be checked is checked before the first forward pass.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { StagedFiles, formatDuration, log } from '@pixpnet/engine';
import { DataLoader } from '@pixpnet/data';
import type { Sample, TransformPreset } from '@pixpnet/data';
import type { ProtoNet } from '@pixpnet/models';
import { requireClassSpecific } from './forward.js';
import { readInterpretabilityFile } from './interpretability_file.js';
import { collapseReasons } from './collapse.js';
import { evaluationCost, measureForwardRate } from './cost.js';
import { heatmapMethod } from './maps/registry.js';
import { checkBoxMethods, defaultBoxRadius } from './metrics/boxes.js';
import type { BoxMethod } from './metrics/boxes.js';
import type { PartMetric } from './metrics/consistency.js';
import { partMetrics } from './metrics/part_metrics.js';
import { PART_TOP_K } from './metrics/part_correctness.js';
import type { PartCorrectness } from './metrics/part_correctness.js';
import { ROT_DEFAULTS, checkRotParams, relevanceOrderingTest, rotPlan } from './rot/rot.js';
import type { RotParams, RotResult } from './rot/rot.js';
import { readRotCache, rotCacheKey, writeRotCache } from './rot/cache.js';
import { meanRfPct, renderRotPlot } from './rot/plot.js';

/** The metrics (`part-correctness` needs the class-defining parts, {@link EvaluationInput.classParts}). */
export const METRICS = ['consistency', 'stability', 'part-correctness', 'rot'] as const;
export type MetricName = (typeof METRICS)[number];

/** What to evaluate and how (every field optional; defaults as documented). */
export interface InterpretabilityOptions {
  /**
   * Default: every metric the dataset supports (consistency and stability need part annotations, part-correctness
   * the class-defining parts too).
   */
  metrics?: readonly MetricName[];
  /** Box methods of consistency and stability (default `bbox` and `upsample`: PixPNet's mapping against ProtoPNet's). */
  methods?: readonly BoxMethod[];
  /** Box radius in pixels (default `round(36 · input size / 224)`). */
  boxRadius?: number;
  /** The reference's fixed 36 px radius (made for 224 px inputs). */
  legacyBoxRadius?: boolean;
  legacyPartMapping?: boolean;
  legacySoftStability?: boolean;
  /**
   * The reference's consistency: a prototype whose class's images never show some part (of the ids `0 …` the largest
   * annotated) scores NaN — left out of soft consistency, not consistent for hard. By default that part is left out
   * of the prototype's best part.
   */
  legacyMissingPartNan?: boolean;
  /** σ of the stability noise (default 0.2). */
  noiseStd?: number;
  /** Seed of the stability noise (default 0). */
  noiseSeed?: number;
  /** Part-correctness: the top images of each prototype, by its maximum similarity over the whole split (default 10). */
  partTopK?: number;
  /** ROT heat-map methods (default `rf`, `upsample`, `random`). */
  rotMethods?: readonly string[];
  /** ROT parameters besides the method (defaults: {@link ROT_DEFAULTS}; `batchSize` from the input). */
  rot?: Partial<Omit<RotParams, 'method' | 'batchSize'>>;
}

/** The model and data to evaluate. */
export interface EvaluationInput {
  model: ProtoNet;
  samples: readonly Sample[];
  /** The split's images (positions in `samples`), in loader order. */
  indices: readonly number[];
  preset: TransformPreset;
  /**
   * The parts that define each class (0-based class → merged part ids: `readClassParts` of the synthetic parts set),
   * when the dataset names them; part-correctness needs them.
   */
  classParts?: ReadonlyMap<number, ReadonlySet<number>>;
  /** Dataset key, e.g. `SYNTHPARTS` (in cache keys and the report). */
  dataset: string;
  /** Split name, e.g. `test`. */
  split: string;
  /** Images per loader batch and per ROT forward (the test batch size). */
  batchSize: number;
  microBatch?: number;
  /** Where to write the outputs (a run's `results/`); nothing is written without it. */
  resultsDir?: string;
  /** Identifies the model's weights in cache keys (e.g. checkpoint path, size and modification time). */
  modelId: string;
  /** Progress of each stage: the part metrics (e.g. `consistency+stability+part-correctness`), `rot <method>`. */
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** A part metric in the output. */
export interface PartScores {
  soft: number;
  hard: number;
  quantiles: { soft: number[]; hard: number[] };
  perPrototype: { soft: number[]; hard: number[] };
}

/** Part-correctness in the output. */
export interface PartCorrectnessScores {
  score: number;
  quantiles: number[];
  perPrototype: number[];
}

/** A ROT in the output. */
export interface RotScores {
  area: number;
  pctAtOrigSim: number;
  images: number;
  forwards: number;
  seconds: number;
  /** Read from the cache instead of computed. */
  cached: boolean;
  /** The curves, relative to the results folder. */
  file?: string;
}

/** What {@link evaluateInterpretability} returns and writes as `interpretability.yaml`. */
export interface InterpretabilityResult {
  parameters: Record<string, unknown>;
  consistency?: Record<string, PartScores>;
  stability?: Record<string, PartScores>;
  /** Per box method (`partCorrectness` in the file; the metric `part-correctness`). */
  partCorrectness?: Record<string, PartCorrectnessScores>;
  rot?: Record<string, RotScores>;
  /** Metrics not computed, with the reason. */
  skipped: Record<string, string>;
  /** Images scored by consistency, stability and part-correctness, and those skipped for want of visible parts. */
  partImages?: { used: number; skipped: number; droppedParts: number; outsideParts: number };
  /** The ROT figure, relative to the results folder. */
  rotPlot?: { svg: string; png: string };
  /**
   * Why the model looks collapsed (its prototypes do not depend on the image: the figures mean nothing, perfect
   * stability included); absent when it does not.
   */
  collapsed?: string[];
  /** The raw ROT results (curves), not written to the YAML file. */
  rotResults?: Record<string, RotResult>;
}

/** Checks the options alone (names, ranges), before anything is loaded: throws naming the option and the fix. */
export function checkInterpretabilityOptions(o: InterpretabilityOptions): void {
  for (const m of o.metrics ?? []) if (!METRICS.includes(m)) throw new Error(`Unknown metric '${m}': choose among ${METRICS.join(', ')}.`);
  checkBoxMethods(o.methods ?? []);
  for (const m of o.rotMethods ?? []) heatmapMethod(m);
  if (o.boxRadius !== undefined && (!Number.isFinite(o.boxRadius) || o.boxRadius <= 0)) throw new Error(`--eval.box-radius must be a positive number of pixels, got ${o.boxRadius}.`);
  if (o.boxRadius !== undefined && o.legacyBoxRadius) throw new Error('Give --eval.box-radius or --eval.legacy-box-radius, not both.');
  if (o.partTopK !== undefined && !(Number.isInteger(o.partTopK) && o.partTopK >= 1)) throw new Error(`--eval.part-top-k must be a positive whole number of images, got ${o.partTopK}.`);
  checkRotParams(o.rot ?? {});
}

/** The settings an evaluation will use, resolved and checked without touching data: throws on anything wrong. */
export function planEvaluation(input: Pick<EvaluationInput, 'model' | 'samples' | 'indices' | 'batchSize' | 'classParts'>, o: InterpretabilityOptions = {}) {
  const { model } = input;
  checkInterpretabilityOptions(o);
  requireClassSpecific(model);
  const methods = [...(o.methods ?? ['bbox', 'upsample'])] as BoxMethod[];
  const rotMethods = [...(o.rotMethods ?? ['rf', 'upsample', 'random'])];
  if (!input.indices.length) throw new Error('The split to evaluate has no images.');
  const hasParts = input.indices.some((i) => input.samples[i]?.parts !== undefined);
  const skipped: Record<string, string> = {};
  let metrics = [...(o.metrics ?? METRICS)];
  if (!hasParts) {
    const partMetricsAsked = (o.metrics ?? []).filter((m) => m !== 'rot');
    if (partMetricsAsked.length) {
      throw new Error(`${partMetricsAsked.join(' and ')} need part annotations, which this dataset does not have (only CUB-format datasets, the real CUB ` +
        'and the synthetic parts set, do): ask for --metrics rot.');
    }
    for (const m of ['consistency', 'stability', 'part-correctness']) skipped[m] = 'the dataset has no part annotations (only CUB-format datasets do)';
    metrics = metrics.filter((m) => m === 'rot');
  } else if (!input.classParts) {
    if (o.metrics?.includes('part-correctness')) {
      throw new Error('part-correctness needs the parts that define each class (class_parts.txt), which only the synthetic parts set (pixpnet data synth) ' +
        'names: leave it out of --metrics.');
    }
    skipped['part-correctness'] = 'the dataset does not name the parts that define each class (class_parts.txt: only the synthetic parts set does)';
    metrics = metrics.filter((m) => m !== 'part-correctness');
  }
  const size = Math.max(...model.config.inputSize);
  const boxRadius = o.legacyBoxRadius ? 36 : o.boxRadius ?? defaultBoxRadius(size);
  const rot = { ...ROT_DEFAULTS, ...o.rot, batchSize: input.batchSize };
  return {
    metrics, methods, rotMethods, boxRadius, rot, skipped,
    noiseStd: o.noiseStd ?? 0.2, noiseSeed: o.noiseSeed ?? 0,
    legacyPartMapping: o.legacyPartMapping ?? false, legacySoftStability: o.legacySoftStability ?? false,
    legacyMissingPartNan: o.legacyMissingPartNan ?? false, partTopK: o.partTopK ?? PART_TOP_K,
  };
}

const scores = (m: PartMetric): PartScores => ({ soft: m.soft, hard: m.hard, quantiles: m.quantiles, perPrototype: m.perPrototype });
const correctness = (m: PartCorrectness): PartCorrectnessScores => ({ score: m.score, quantiles: m.quantiles, perPrototype: m.perPrototype });

/** Each metric's key in an interpretability record. */
const RECORD_KEYS: Record<MetricName, string> = { consistency: 'consistency', stability: 'stability', 'part-correctness': 'partCorrectness', rot: 'rot' };

/** The `metric method` entries of an interpretability record (the part metrics per box method, ROT per heat map). */
function recordEntries(r: Record<string, unknown> | undefined): string[] {
  return METRICS.flatMap((m) => Object.keys((r?.[RECORD_KEYS[m]] as Record<string, unknown> | undefined) ?? {}).map((k) => `${m} ${k}`));
}

/**
 * Whether the `interpretability.yaml` in `dir` must be kept before this evaluation replaces it: it holds entries
 * this one will not compute (`will`), is of another dataset or split, or cannot be read. Returns what it would lose.
 */
function previousToKeep(dir: string, will: readonly string[], dataset: string, split: string): string[] {
  const file = path.join(dir, 'interpretability.yaml');
  if (!fs.existsSync(file)) return [];
  let old: Record<string, unknown> | undefined;
  try {
    old = readInterpretabilityFile(file, '');
  } catch {
    return ['(an unreadable file)'];
  }
  const p = (old?.['parameters'] ?? {}) as Record<string, unknown>;
  if (p['dataset'] !== dataset || p['split'] !== split) return [`the ${String(p['dataset'])} ${String(p['split'])} split's results`];
  return recordEntries(old).filter((e) => !will.includes(e));
}

/**
 * Keeps the `interpretability.yaml` in `dir` as `interpretability.<time>.yaml`, with the ROT figure it goes with
 * (called just before the new files are written: a failed evaluation leaves the old ones in place).
 */
function keepPreviousResults(dir: string, lost: readonly string[]): void {
  const file = path.join(dir, 'interpretability.yaml');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const kept = path.join(dir, `interpretability.${stamp}.yaml`);
  fs.renameSync(file, kept);
  const figures = ['png', 'svg'].filter((ext) => fs.existsSync(path.join(dir, `rot.${ext}`)));
  for (const ext of figures) fs.renameSync(path.join(dir, `rot.${ext}`), path.join(dir, `rot.${stamp}.${ext}`));
  log.warning(`${file} held ${lost.join(', ')}, which this evaluation does not compute: kept it as ${path.basename(kept)}` +
    `${figures.length ? ` (its ROT figure as rot.${stamp}.${figures.join('/')})` : ''}.`);
}

/**
 * Runs the evaluation and, with `resultsDir`, writes its files (a previous `interpretability.yaml` with entries this
 * evaluation does not compute is kept under a timestamped name first).
 */
export async function evaluateInterpretability(input: EvaluationInput, o: InterpretabilityOptions = {}): Promise<InterpretabilityResult> {
  const plan = planEvaluation(input, o);
  let lost: readonly string[] = [];
  if (input.resultsDir) {
    const will = [
      ...(['consistency', 'stability', 'part-correctness'] as const).filter((m) => plan.metrics.includes(m)).flatMap((m) => plan.methods.map((k) => `${m} ${k}`)),
      ...(plan.metrics.includes('rot') ? plan.rotMethods.map((k) => `rot ${k}`) : []),
    ];
    lost = previousToKeep(input.resultsDir, will, input.dataset, input.split);
  }
  const staged = new StagedFiles(); // the results' files, written together at the end
  try {
    const { model } = input;
    // one pass each: decoded images are not kept (a CUB test set would hold ~1.5 GB beside the wasm heap)
    const loader = () => new DataLoader(input.samples, input.preset, { batchSize: input.batchSize, indices: input.indices, augment: false, cache: false });
    const rfPct = meanRfPct(model);
    const result: InterpretabilityResult = {
      parameters: {
        dataset: input.dataset, split: input.split, images: input.indices.length, metrics: plan.metrics, boxMethods: plan.methods, boxRadius: plan.boxRadius,
        legacyBoxRadius: o.legacyBoxRadius ?? false, legacyPartMapping: plan.legacyPartMapping, legacySoftStability: plan.legacySoftStability, legacyMissingPartNan: plan.legacyMissingPartNan,
        noiseStd: plan.noiseStd, noiseSeed: plan.noiseSeed, ...(plan.metrics.includes('part-correctness') ? { partTopK: plan.partTopK } : {}), rotMethods: plan.rotMethods, rot: plan.rot, model: input.modelId, inputSize: model.config.inputSize,
        latentGrid: model.latentGrid, meanRfPct: rfPct,
      },
      skipped: plan.skipped,
    };
    const collapsed = await collapseReasons(model, new DataLoader(input.samples, input.preset, { batchSize: input.batchSize, indices: input.indices.slice(0, 32), augment: false, cache: false }),
      input.microBatch ? { microBatch: input.microBatch } : {});
    if (collapsed.length) {
      result.collapsed = collapsed;
      log.warning(`The model looks collapsed: ${collapsed.join('; ')}. Its consistency, stability, part-correctness and ROT figures are computed but mean nothing ` +
        '(perfect stability included): look at the training (its learning rate, its losses) before reading them.');
    }
    const doC = plan.metrics.includes('consistency'), doS = plan.metrics.includes('stability'), doP = plan.metrics.includes('part-correctness');
    // the ROT methods whose results the cache holds cost nothing: read them now, so that the plan counts the others
    const rotDir = input.resultsDir ? path.join(input.resultsDir, 'rot') : undefined;
    const rotCached = new Map<string, RotResult>();
    const doRot = plan.metrics.includes('rot');
    if (doRot && rotDir) {
      for (const method of plan.rotMethods) {
        const { key, identity } = rotCacheKey(input.dataset, input.split, { ...plan.rot, method }, input.modelId);
        const r = readRotCache(rotDir, key, identity);
        if (r) rotCached.set(method, r);
      }
    }
    const rotSize = rotPlan(model, plan.rot, input.indices.length);
    const toCompute = doRot ? plan.rotMethods.filter((m) => !rotCached.has(m)) : [];
    const rate = measureForwardRate(model, Math.min(input.batchSize, 32), input.microBatch);
    const cost = evaluationCost({ images: input.indices.length, partMetrics: doC || doS || doP, stability: doS, rotMethods: toCompute.length, rotForwardsPerMethod: rotSize.forwards, rate });
    const plural = (k: number, one: string) => `${k.toLocaleString('en')} ${one}${k === 1 ? '' : 's'}`;
    const stages = [
      ...(cost.partForwards ? [`part metrics ${cost.partForwards.toLocaleString('en')} (${plural(input.indices.length, 'image')}${doS ? ', clean and noisy' : ''})`] : []),
      ...(cost.rotForwards ? [`ROT ${cost.rotForwards.toLocaleString('en')} (${plural(toCompute.length, 'method')} × ${plural(rotSize.images, 'image')} × ` +
        `${plural(rotSize.perImage, 'prototype')} × ${plural(rotSize.steps.length, 'pixel count')}${rotSize.steps.length === rotSize.T ? ': the exact test' : ''})`] : []),
    ];
    if (!cost.forwards) log.info(`Evaluation: no forward to run${rotCached.size ? ` (ROT ${[...rotCached.keys()].join(', ')} read from the cache)` : ''}`);
    else log.info(`Evaluation: ${plural(cost.forwards, 'forward')}${stages.length ? ` — ${stages.join(', ')}` : ''}; ${cost.seconds < 1 ? 'under a second' : `about ${formatDuration(cost.seconds)}`} ` +
      `at ${rate.toPrecision(3)} images/s measured here${toCompute.includes('prp') ? ', plus PRP\'s backward pass per image and prototype' : ''}` +
      `${rotCached.size ? `; ROT ${[...rotCached.keys()].join(', ')} read from the cache` : ''}`);
    if (doC || doS || doP) {
      const stage = (['consistency', 'stability', 'part-correctness'] as const).filter((m) => plan.metrics.includes(m)).join('+');
      if (doP && plan.partTopK > input.indices.length) {
        log.warning(`Part-correctness: the ${input.split} split has ${input.indices.length} images, fewer than the top ${plan.partTopK} asked: each prototype is judged on all of them.`);
      }
      const undefinedClasses = doP ? Array.from({ length: model.config.numClasses }, (_, c) => c).filter((c) => !input.classParts!.get(c)?.size) : [];
      if (undefinedClasses.length) {
        log.warning(`Part-correctness: class_parts.txt names no part for ${undefinedClasses.length} class(es) (0-based index ${undefinedClasses.slice(0, 10).join(', ')}${undefinedClasses.length > 10 ? ', …' : ''}): ` +
          'their prototypes cannot be judged and are left out (n/a).');
      }
      log.info(`${stage}: box methods ${plan.methods.join(', ')}, box radius ${plan.boxRadius} px (${o.legacyBoxRadius ? 'the reference\'s 36 px' : o.boxRadius !== undefined ? 'given' : `36 px scaled to ${Math.max(...model.config.inputSize)} px inputs`})${doP ? `; part-correctness over each prototype's top ${plan.partTopK} images` : ''}`);
      const pm = await partMetrics(model, loader(), {
        methods: plan.methods, boxRadius: plan.boxRadius, consistency: doC, stability: doS, noiseStd: plan.noiseStd, seed: plan.noiseSeed,
        legacyPartMapping: plan.legacyPartMapping, legacySoftStability: plan.legacySoftStability, legacyMissingPartNan: plan.legacyMissingPartNan, ...(input.microBatch ? { microBatch: input.microBatch } : {}),
        ...(doP ? { classParts: input.classParts!, partTopK: plan.partTopK } : {}),
        onProgress: (d, t) => input.onProgress?.(stage, d, t),
      });
      result.partImages = { used: pm.images, skipped: pm.skippedImages, droppedParts: pm.droppedParts, outsideParts: pm.outsideParts };
      if (pm.consistency) result.consistency = Object.fromEntries(Object.entries(pm.consistency).map(([k, v]) => [k, scores(v)]));
      if (pm.stability) result.stability = Object.fromEntries(Object.entries(pm.stability).map(([k, v]) => [k, scores(v)]));
      if (pm.partCorrectness) result.partCorrectness = Object.fromEntries(Object.entries(pm.partCorrectness).map(([k, v]) => [k, correctness(v)]));
      const q = (v: number[]) => v.map((x) => x.toFixed(3)).join(' / ');
      for (const [name, byMethod] of [['consistency', result.consistency], ['stability', result.stability]] as const) {
        for (const [m, v] of Object.entries(byMethod ?? {})) {
          log.info(`${name} ${m}: per-prototype quantiles (0/25/50/75/100 %) soft ${q(v.quantiles.soft)}, hard ${q(v.quantiles.hard)}`);
        }
      }
      for (const [m, v] of Object.entries(result.partCorrectness ?? {})) log.info(`part-correctness ${m}: per-prototype quantiles (0/25/50/75/100 %) ${q(v.quantiles)}`);
    }
    if (plan.metrics.includes('rot')) {
      if (plan.rot.numSamples > input.indices.length) {
        log.warning(`--rot.num-samples ${plan.rot.numSamples}: the ${input.split} split has ${input.indices.length} images, so the ROT uses all of them.`);
      }
      result.rot = {};
      result.rotResults = {};
      if (rotSize.steps.length === rotSize.T && toCompute.length) {
        log.info(`ROT: the exact test (${rotSize.T} pixel counts per image and prototype); ` +
          `--rot.steps 33 needs ${(rotPlan(model, { ...plan.rot, steps: 33 }, input.indices.length).forwards * toCompute.length).toLocaleString('en')} forwards and integrates between them`);
      }
      for (const method of plan.rotMethods) {
        const params: RotParams = { ...plan.rot, method };
        const { key, identity } = rotCacheKey(input.dataset, input.split, params, input.modelId);
        const hit = rotCached.get(method);
        const cached = hit !== undefined;
        let r: RotResult;
        if (hit) {
          r = hit;
          log.info(`ROT ${method}: read from ${path.join(rotDir!, `${key}.json`)} (same parameters and model)`);
        } else {
          r = await relevanceOrderingTest(model, loader(), params, {
            ...(input.microBatch ? { microBatch: input.microBatch } : {}), onProgress: (d, t) => input.onProgress?.(`rot ${method}`, d, t),
          });
          if (rotDir) await writeRotCache(rotDir, key, identity, r);
        }
        result.rotResults[method] = r;
        result.rot[method] = {
          area: r.area, pctAtOrigSim: r.pctAtOrigSim, images: r.images, forwards: r.forwards, seconds: r.seconds, cached, ...(rotDir ? { file: path.join('rot', `${key}.json`) } : {}),
        };
      }
      if (input.resultsDir) {
        const curves = plan.rotMethods.map((m) => ({ label: heatmapMethod(m).label, xPct: result.rotResults![m]!.xPct, y: result.rotResults![m]!.agg }));
        const { svg, png } = await renderRotPlot(curves, rfPct, `Relevance ordering test — ${input.dataset} ${input.split}`);
        staged.write(path.join(input.resultsDir, 'rot.svg'), svg);
        staged.write(path.join(input.resultsDir, 'rot.png'), png);
        result.rotPlot = { svg: 'rot.svg', png: 'rot.png' };
      }
    }
    if (input.resultsDir) {
      staged.write(path.join(input.resultsDir, 'interpretability.yaml'), YAML.stringify(interpretabilityRecord(result)));
      // every new file is whole on disk (a full disk has stopped before this): only now the previous ones are moved
      if (lost.length) keepPreviousResults(input.resultsDir, lost);
      staged.commit();
    }
    return result;
  } finally {
    staged.discard();
  }
}

/** The serialisable record (`interpretability.yaml`, `--json`): everything but the raw ROT curves; NaN as null. */
export function interpretabilityRecord(r: InterpretabilityResult): Record<string, unknown> {
  const { rotResults: _curves, ...rest } = r;
  return JSON.parse(JSON.stringify(rest, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))) as Record<string, unknown>;
}
