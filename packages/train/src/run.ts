/**
 * `train()`: the whole run of spec §3.1 as a cold RxJS `Observable<TrainEvent>` — open the dataset, build or
 * restore the model, fit (§3.5), test, report. Outputs are subscribers (see `attachWriters`). Unsubscribing
 * stops the run at the next batch.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Observable } from 'rxjs';
import { atChance, engineInfo, initBackend, log } from '@pixpnet/engine';
import { DataLoader, ImagePool, SYNTH_DATASETS, checkImages, datasetDir, describeUnreadable, makeSplits, openDataset } from '@pixpnet/data';
import type { OpenedDataset, Splits, UnreadableImage } from '@pixpnet/data';
import { microBatchSize, modelInfo, parameterBytes, WASM_STEP_BUDGET } from '@pixpnet/models';
import type { ProtoNet } from '@pixpnet/models';
import { createProtoNet, saveProtoNet } from '@pixpnet/models/node';
import { DERIVED_KEYS, checkRecordedConfig } from './config.js';
import { checkRunFoldersInside } from './run_files.js';
import type { FlatConfig } from './config.js';
import { GroupedOptimizer, takesMomentum } from './optimizers.js';
import { planRun, checkRunHead } from './plan.js';
import type { Settings } from './settings.js';
import { createRunDir, runPaths } from './run_dir.js';
import { TRAIN_OPTIONS } from './options.js';
import { flattenNested, nestConfig } from './nested.js';
import { metricNames } from './metrics.js';
import { modelFromCheckpoint, readCheckpoint, removeStaleCheckpoints, restoreOptimizer } from './checkpoint.js';
import type { Checkpoint, LoopState } from './checkpoint.js';
import { FitLoop } from './trainer.js';
import { readResultsConfig } from './load_run.js';
import { lockRunDir } from './lock.js';
import type { RunLock } from './lock.js';
import type { ModelInfoRecord, TrainEvent } from './events.js';

/** Options of {@link train}. */
export interface TrainOptions {
  /** The resolved flat configuration (`resolveConfig`); ignored when resuming (the checkpoint's is used). */
  config?: FlatConfig;
  /** The config file it came from (recorded in `results/config.yaml`). */
  configPath?: string;
  /** Resume the run in this directory from its latest checkpoint. */
  resume?: string;
  /** Bytes one training step may use (default: `WASM_STEP_BUDGET` on wasm, unlimited elsewhere). */
  stepMemoryBudget?: number;
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

/** The latest checkpoint of a run directory (highest epoch, then step), if any. */
export function latestCheckpoint(runDir: string): string | undefined {
  const dir = runPaths(runDir).checkpoints;
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^epoch=\d+-step=\d+\.ckpt$/.test(f)) : [];
  const num = (f: string) => f.match(/\d+/g)!.map(Number) as [number, number];
  files.sort((a, b) => num(b)[0] - num(a)[0] || num(b)[1] - num(a)[1]);
  return files.length ? path.join(dir, files[0]!) : undefined;
}


/** What a run recorded in `results/config.yaml` when it started, flat; `{}` when that file is absent or unreadable. */
function recordedConfig(runDir: string): FlatConfig {
  try {
    return flattenNested(readResultsConfig(runDir) ?? {});
  } catch {
    return {}; // (the checkpoint holds all a resume needs)
  }
}

/** The configuration a run started with, from its `results/config.yaml` (written when it starts). */
function startConfig(runDir: string): FlatConfig {
  const nested = readResultsConfig(runDir);
  if (!nested) {
    throw new Error(`${runDir} has neither a checkpoint nor results/config.yaml: nothing was trained there yet. Start a new run with pixpnet train -c <config.yaml>.`);
  }
  const flat = flattenNested(nested);
  const out: FlatConfig = {};
  for (const [k, v] of Object.entries(flat)) if (!DERIVED_KEYS.includes(k) && v !== null) out[k] = v;
  return { ...out, 'log-dir': path.dirname(path.dirname(path.dirname(path.resolve(runDir)))) };
}

function protoConfig(s: Settings, numClasses: number, inputSize: number, seed: number) {
  const m = s.model;
  return {
    backbone: m.featureExtractor, featureLayer: m.featureLayer, numClasses, inputSize: [inputSize, inputSize] as [number, number],
    numPrototypes: m.numPrototypes, prototypeDim: m.prototypeDim, addOnType: m.addOnLayersType, distance: m.distance,
    activation: m.prototypeActivation, epsilon: m.epsilon, readout: m.readoutType, classSpecific: m.classSpecific,
    correctStrength: m.correctStrength, incorrectStrength: m.incorrectStrength, learnPrototypes: m.learnPrototypes, seed,
  };
}

/**
 * Every file the run reads exists, and the test images (read only at the end) decode: missing or corrupt ones stop
 * the run before any training, or with `--dataset.skip-corrupt` are returned to be left out.
 */
async function checkDatasetFiles(ds: OpenedDataset, splits: Splits, s: Settings, maxBatches: number | undefined): Promise<UnreadableImage[]> {
  const t0 = performance.now();
  const exist = [...splits.train, ...splits.val, ...splits.test, ...splits.trainUnaugmented];
  const decode = maxBatches ? splits.test.slice(0, maxBatches * s.test.batchSize) : splits.test;
  const bad = await checkImages(ds.index.samples, { exist, decode, preset: ds.preset });
  log.info(`Checked ${new Set(exist).size} image files and decoded ${new Set(decode).size} test images in ${((performance.now() - t0) / 1000).toFixed(1)} s` +
    `${bad.length ? `: ${bad.length} unreadable` : ''}`);
  if (!bad.length) return bad;
  if (!s.dataset.skipCorrupt) {
    throw new Error(`${bad.length} image(s) of ${ds.key} in ${ds.dir} cannot be read:\n${describeUnreadable(bad)}\n` +
      'Replace or remove them, or pass --dataset.skip-corrupt to leave them out (they are listed in results/skipped_images.txt).');
  }
  log.warning(`--dataset.skip-corrupt: leaving out ${bad.length} unreadable image(s):\n${describeUnreadable(bad)}`);
  return bad;
}

/**
 * Warns at the end of training when the model looks collapsed (a diverged training): its test accuracy is at
 * chance, or the push put every prototype on the same latent cell of the same image.
 */
function warnIfCollapsed(model: ProtoNet, accuracy: number | undefined, testItems: number): void {
  const { numClasses: C, numPrototypes: P } = model.config;
  const chance = accuracy !== undefined && atChance(accuracy, C, testItems)
    ? `its test accuracy ${accuracy.toFixed(3)} is no better than chance (1/${C} classes, ${testItems} test images)` : undefined;
  const f = model.push.fmapIdxs; // [hStart, hEnd, wStart, wEnd] per prototype
  const [Hz, Wz] = model.latentGrid;
  let same = P > 1 && Hz * Wz > 1 && f[0]! >= 0;
  for (let j = 1; j < P && same; j++) same = f[4 * j] === f[0] && f[4 * j + 2] === f[2];
  if (same) {
    log.warning(`The trained model looks collapsed: the push put all ${P} prototypes on the same latent cell of their images${chance ? `, and ${chance}` : ''}. ` +
      'Its interpretability figures would mean nothing: look at the training (a learning rate too large for the optimizer, a loss that diverged) and train again.');
  } else if (chance) {
    log.warning(`The trained model has learnt nothing yet: ${chance}. Train longer, or look at the training (its learning rate, its losses); ` +
      'the interpretability figures of such a model mean little.');
  }
}

/** One owner per run directory: the lock is taken before anything is written and released when the run ends. */
async function run(options: TrainOptions, emit: (e: TrainEvent) => void, cancelled: () => boolean): Promise<void> {
  const locks: RunLock[] = [];
  const lock = (dir: string) => locks.push(lockRunDir(dir));
  if (options.resume && fs.existsSync(options.resume)) lock(options.resume); // before the checkpoint is even read
  try {
    await runLocked(options, emit, cancelled, lock);
  } finally {
    for (const l of locks) l.release();
  }
}

async function runLocked(options: TrainOptions, emit: (e: TrainEvent) => void, cancelled: () => boolean, lock: (dir: string) => void): Promise<void> {
  const t0 = performance.now();
  const engine = engineInfo() ?? (await initBackend()); // the caller's choice, else the default (wasm here)
  let ck: Checkpoint | undefined;
  let config: FlatConfig;
  if (options.resume) {
    checkRunFoldersInside(options.resume); // before anything is read or written there
    const scores = path.join(runPaths(options.resume).results, 'scores.yaml');
    if (fs.existsSync(scores)) {
      // training it again would replace its model and results
      const origin = recordedConfig(options.resume)['config'];
      throw new Error(`${options.resume} is a finished run (${scores}): there is nothing to resume. Its interpretability metrics: pixpnet evaluate ` +
        `${options.resume}; a new run with the same configuration: pixpnet train -c ${typeof origin === 'string' ? origin : '<its config file>'} (with a new --log-dir or not).`);
    }
    const file = latestCheckpoint(options.resume);
    if (file) {
      ck = readCheckpoint(file);
      config = ck.meta.config;
      checkRecordedConfig(config, `${file} (its "pixpnet" metadata)`, 'the checkpoint is damaged or from another program; start the run again.');
      log.info(`Resuming ${options.resume} from ${path.basename(file)} (epoch ${ck.meta.loop.epoch} of ${config['train.epochs']} done)`);
    } else {
      config = startConfig(options.resume);
      log.info(`${options.resume} has no checkpoint yet: training it again from the start with its configuration`);
    }
  } else {
    if (!options.config) throw new Error('train: give a resolved configuration (resolveConfig) or a run directory to resume.');
    config = { ...options.config };
    // recorded absolute: the commands that read the run later find its dataset from any folder
    if (typeof config['dataset.root'] === 'string') config['dataset.root'] = path.resolve(config['dataset.root']);
  }
  const plan = planRun(config, { weights: !ck }); // settings, dataset key, model and weights: refused here before any I/O
  const s = plan.settings;
  const seed = s.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (s.seed === undefined) {
    config['seed'] = seed;
    log.info(`No --seed given: using ${seed}`);
  }
  const backend = `${engine.backend}${engine.threads ? ` (${engine.threads} threads)` : ''}`;
  log.info(`Model: ${s.model.featureExtractor} cut at ${s.model.featureLayer}: ${plan.model.latentGrid.join('x')} latent cells of ${plan.model.channels} channels, ` +
    `each cell's receptive field ${plan.model.meanRfPct.toFixed(1)} % of the ${plan.dataset.inputSize}px image on average`);

  // data: the index, the head against its classes, the splits, then every file the run reads
  const synth = Object.hasOwn(SYNTH_DATASETS, plan.dataset.key) ? SYNTH_DATASETS[plan.dataset.key] : undefined;
  if (synth && !fs.existsSync(datasetDir(s.dataset.root, plan.dataset.key))) checkRunHead(s, synth.classes ?? 10); // before generating it
  // part annotations are read (and so checked) now when the evaluation at the end will need them
  const parts = s.eval.interpretability && s.model.classSpecific;
  const ds = await openDataset(s.dataset.name, s.dataset.root, { cropToBbox: s.dataset.cropToBbox, parts, allowOutsideRoot: s.dataset.allowOutsideRoot });
  checkRunHead(s, ds.numClasses);
  const splits = makeSplits(ds.index.samples, { valSize: s.dataset.valSize, seed, augmentFactor: s.dataset.augmentFactor });
  const maxBatches = s.debug ? 3 : undefined;
  if (splits.train.length < s.train.batchSize) {
    throw new Error(`The training split has ${splits.train.length} items, fewer than --train.batch-size ${s.train.batchSize}: every batch would be dropped. ` +
      'Lower the batch size or raise --dataset.augment-factor.');
  }
  if (!splits.test.length) throw new Error(`${ds.key} in ${ds.dir} has no test images.`);
  const skippedImages = await checkDatasetFiles(ds, splits, s, maxBatches);
  if (skippedImages.length) {
    const drop = new Set(skippedImages.map((b) => b.index));
    const keep = (xs: number[]) => xs.filter((i) => !drop.has(i));
    Object.assign(splits, { train: keep(splits.train), val: keep(splits.val), test: keep(splits.test), trainUnaugmented: keep(splits.trainUnaugmented) });
    if (!splits.test.length || splits.train.length < s.train.batchSize) throw new Error(`After skipping ${skippedImages.length} unreadable images too few are left to train and test.`);
  }

  // loaders (they need no model), sharing one pool of image workers (unset: the shared pool of cores - 1 workers);
  // idle workers do not keep the process alive
  const workers = s.dataset.numWorkers;
  const imagePool = workers === undefined || workers === 0 ? undefined : new ImagePool(workers);
  const loader = (indices: number[], batchSize: number, mode: 'train' | 'eval' | 'valAugmented') =>
    new DataLoader(ds.index.samples, ds.preset, {
      batchSize, indices, seed, shuffle: mode === 'train', dropLast: mode === 'train', augment: mode !== 'eval', skipCorrupt: s.dataset.skipCorrupt,
      cacheMb: s.dataset.cacheMb, ...(imagePool ? { pool: imagePool } : workers === 0 ? { numWorkers: 0 } : {}),
    });
  const loaders = {
    train: loader(splits.train, s.train.batchSize, 'train'),
    ...(splits.val.length ? { val: loader(splits.val, s.test.batchSize, s.dataset.legacyValAugment ? 'valAugmented' : 'eval') } : {}),
    test: loader(splits.test, s.test.batchSize, 'eval'),
    ...(s.train.pushPrototypes ? { push: loader(splits.trainUnaugmented, s.train.batchSize, 'eval') } : {}),
  };

  // model and optimizer, before the run directory: weights that cannot be read or a model too large leave nothing behind
  let model: ProtoNet | undefined;
  let optimizer: GroupedOptimizer | undefined;
  try {
    if (ck) model = modelFromCheckpoint(ck);
    else {
      if (!s.model.initWeights) log.warning('--model.no-init-weights: the add-on layers and the readout are initialised as ProtoPNet does regardless (Kaiming-normal convolutions, Xavier-normal last convolution, class-connection readout).');
      model = await createProtoNet({ ...protoConfig(s, ds.numClasses, ds.inputSize, seed), pretrained: plan.pretrained });
    }
    const o = s.optimizer;
    // (said only when a momentum other than the default was asked for: every adam config would warn otherwise)
    const momentumDefault = TRAIN_OPTIONS.find((x) => x.key === 'optimizer.momentum')?.default;
    if (!takesMomentum(o.name) && o.momentum !== momentumDefault) log.warning(`--optimizer.momentum does not apply to ${o.name}: skipped.`);
    optimizer = new GroupedOptimizer(model, { name: o.name, lr: o.lr, weightDecay: o.weightDecay, momentum: o.momentum, fineTuneLr: o.fineTuneLr, readoutLr: o.readoutLr });
    if (ck) await restoreOptimizer(ck, optimizer);

    // micro-batches: chosen once per run and kept on resume (they change batch-norm statistics)
    const budget = options.stepMemoryBudget ?? (engine.backend === 'wasm' ? WASM_STEP_BUDGET : Infinity);
    if (parameterBytes(model) >= budget) {
      throw new Error(`${s.model.featureExtractor} cut at ${s.model.featureLayer} has too many parameters to train within the ${(budget / 2 ** 30).toFixed(1)} GiB ` +
        `step budget of ${engine.backend}: cut it earlier, use a smaller backbone, or a native backend (--backend tensorflow).`);
    }
    const state: LoopState = ck ? { ...ck.meta.loop } : { epoch: 0, globalStep: 0, csvRows: 0, epochSeconds: [], inference: { calls: 0, samples: 0, seconds: 0 }, seed };
    const fitted = microBatchSize(model, s.train.batchSize, budget);
    const microBatch = state.microBatch ?? fitted;
    if (state.microBatch !== undefined && state.microBatch !== fitted) {
      log.warning(`This run trains in micro-batches of ${state.microBatch}, kept on resume (this backend would choose ${fitted}).`);
    }
    state.microBatch = microBatch;
    const evalMicroBatch = microBatchSize(model, Math.max(s.train.batchSize, s.test.batchSize), budget, 'eval');
    if (microBatch < s.train.batchSize) {
      log.warning(`A training batch of ${s.train.batchSize} would not fit the ${(budget / 2 ** 30).toFixed(1)} GiB step budget of ${engine.backend}: ` +
        `gradients are summed over micro-batches of ${microBatch} (${s.train.batchNorm === 'whole-batch' ? 'batch norm over the whole batch, as one batch: the backbone runs node by node over the micro-batches' : 'batch-norm statistics per micro-batch: --train.batch-norm micro-batch'}).`);
    }

    // the run directory: everything that can be checked was
    const runDir = options.resume ?? createRunDir({ logDir: s.logDir, dataset: ds.key, ...(s.runId ? { runId: s.runId } : {}), model: s.model.name, debug: s.debug });
    if (!options.resume) lock(runDir); // a fresh directory: held so that a resume or an evaluation started meanwhile is refused
    const paths = runPaths(runDir);
    if (ck) removeStaleCheckpoints(paths.checkpoints, ck.file);
    // a resumed run keeps the origin it recorded when it started: its config file and commit
    const started = options.resume ? recordedConfig(options.resume) : {};
    const resultsConfig = nestConfig({
      ...config, 'log-dir': runDir, 'git-commit-hash': started['git-commit-hash'] ?? gitCommit(), gpus: 0, 'train.val-every-n-epoch': s.train.valEveryNEpoch,
      'test.batch-size': s.test.batchSize, 'dataset.needs-unaugmented': s.train.pushPrototypes, config: options.configPath ?? config['config'] ?? started['config'] ?? null,
    });
    const cap = (n: number, bs: number, limit?: number) => Math.min(n, Math.min(maxBatches ?? Infinity, limit ?? Infinity) * bs);
    const batchLimits = new Map<DataLoader, number>([
      ...(s.train.limitBatches ? [[loaders.train, s.train.limitBatches] as const] : []), ...(s.test.limitBatches ? [[loaders.test, s.test.limitBatches] as const] : []),
    ]);
    if (s.train.limitBatches && s.train.limitBatches < loaders.train.length) {
      log.warning(`--train.limit-batches ${s.train.limitBatches}: each epoch trains on ${s.train.limitBatches} of its ${loaders.train.length} batches (a smoke run; the push still covers the whole training split).`);
    }
    if (s.test.limitBatches && s.test.limitBatches < loaders.test.length) {
      log.warning(`--test.limit-batches ${s.test.limitBatches}: the test covers ${s.test.limitBatches} of its ${loaders.test.length} batches (a smoke run: the test accuracy is of those only).`);
    }
    emit({
      type: 'runStart', runDir, config, resultsConfig,
      metricNames: metricNames(s.loss, { classSpecific: s.model.classSpecific, readout: s.model.readoutType, withVal: loaders.val !== undefined }),
      sizes: {
        train: cap(splits.train.length, s.train.batchSize, s.train.limitBatches), val: cap(splits.val.length, s.test.batchSize),
        test: cap(splits.test.length, s.test.batchSize, s.test.limitBatches), push: splits.trainUnaugmented.length,
      },
      stepsPerEpoch: Math.min(loaders.train.length, maxBatches ?? Infinity, s.train.limitBatches ?? Infinity), epochs: s.train.epochs, backend, seed,
      ...(ck ? { resumed: { checkpoint: ck.file, epoch: ck.meta.loop.epoch, globalStep: ck.meta.loop.globalStep, csvRows: ck.meta.loop.csvRows } } : {}),
      ...(options.resume && !ck ? { resumed: { epoch: 0, globalStep: 0, csvRows: 0 } } : {}),
      ...(skippedImages.length ? { skippedImages: skippedImages.map((b) => ({ file: b.file, reason: b.reason })) } : {}),
    });

    const loop = new FitLoop({
      settings: s, config, model, optimizer, loaders, microBatch, evalMicroBatch, checkpointDir: paths.checkpoints, state, emit, cancelled,
      ...(maxBatches ? { maxBatches } : {}), ...(batchLimits.size ? { batchLimits } : {}),
    });
    if (s.debug && loaders.val && !ck) await new FitLoop({ ...loop.io, maxBatches: 2, emit: () => undefined }).evaluate(loaders.val, 'val'); // sanity check
    let checkpoint = await loop.fit(ck?.file);
    if (cancelled()) return;
    if (!checkpoint) checkpoint = await loop.checkpoint(state.epoch - 1);
    if (s.train.checkpoint) {
      // spec §3.1 step 8: the tested model is the one reloaded from the checkpoint
      const reloaded = modelFromCheckpoint(readCheckpoint(checkpoint));
      model.dispose();
      model = reloaded;
      loop.io.model = model;
    }
    const scores = await loop.evaluate(loaders.test, 'test');
    warnIfCollapsed(model, scores['test_accuracy'], splits.test.length);
    emit({ type: 'test', metrics: scores });
    emit({ type: 'metrics', epoch: state.epoch - 1, step: state.globalStep, values: scores });
    await saveProtoNet(model, paths.model);

    const info = modelInfo(model);
    const inf = state.inference;
    const total = state.epochSeconds.reduce((a, b) => a + b, 0);
    const modelInfoRecord: ModelInfoRecord = {
      model_size: info.sizeMB, trainable_parameters: info.trainableParams, total_parameters: info.totalParams, macs: info.macs * s.train.batchSize, macs_per_image: info.macs,
      train_time_total: total, train_time_per_epoch: state.epochSeconds.length ? total / state.epochSeconds.length : 0,
      inference_time_per_sample: inf.samples ? inf.seconds / inf.samples : 0, inference_time_per_batch: inf.calls ? inf.seconds / inf.calls : 0, backend,
    };
    emit({ type: 'runEnd', runDir, scores, modelInfo: modelInfoRecord, checkpoint, modelDir: paths.model, writeBestModelPath: s.train.checkpoint, seconds: (performance.now() - t0) / 1000 });
  } finally {
    optimizer?.dispose();
    model?.dispose();
  }
}

/**
 * Trains PixPNet as configured (or resumes a run): a cold Observable — nothing happens until it is subscribed,
 * and each subscription is one run. Failures are emitted as an `error` event, then as the Observable's error.
 */
export function train(options: TrainOptions): Observable<TrainEvent> {
  return new Observable<TrainEvent>((subscriber) => {
    let stopped = false;
    let where: { epoch?: number; globalStep?: number } = {};
    const emit = (e: TrainEvent) => {
      if (e.type === 'step') where = { epoch: e.epoch, globalStep: e.globalStep };
      if (!stopped) subscriber.next(e);
    };
    // start after the subscribers of a shared/connected stream are in place
    Promise.resolve()
      .then(() => run(options, emit, () => stopped))
      .then(() => subscriber.complete(), (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        emit({ type: 'error', message, ...where });
        subscriber.error(err);
      });
    return () => {
      stopped = true;
    };
  });
}
