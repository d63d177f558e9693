/** A typed view of a resolved flat configuration (spec §3.10 keys), with the derived values of spec §3.1/§3.6. */
import { roundHalfEven } from '@pixpnet/engine';
import type { FlatConfig } from './config.js';
import type { DuplicateFilter } from './push.js';
import { optimizerName } from './optimizers.js';
import { TRAIN_OPTIONS } from './options.js';

/** Every setting the pipeline reads, typed. */
export interface Settings {
  seed?: number;
  logDir: string;
  runId?: string;
  debug: boolean;
  tbLogging: boolean;
  dataset: { name: string; valSize: number; augmentFactor: number; root: string; cropToBbox: boolean; legacyValAugment: boolean; skipCorrupt: boolean; allowOutsideRoot: boolean; numWorkers?: number; cacheMb: number };
  train: {
    epochs: number; batchSize: number; accumulateGradBatches: number; checkpoint: boolean; gradientClipNorm?: number;
    valEveryNEpoch: number; pushPrototypes: boolean; pushEvery: number; readoutPushEpochs: number; pushDuplicateFilter: DuplicateFilter;
    /** `--train.limit-batches`: training batches per epoch at most. */
    limitBatches?: number;
    /** Batch norm of a micro-batched step: over the whole batch (the reference's) or per micro-batch. */
    batchNorm: 'whole-batch' | 'micro-batch';
  };
  /** `limitBatches`: `--test.limit-batches`, test batches at most. */
  test: { batchSize: number; limitBatches?: number };
  /** The interpretability evaluation after testing (`pixpnet evaluate` with a fast ROT). */
  eval: { interpretability: boolean; rotSteps: number; rotNumSamples: number; rotSampleOrder: 'first' | 'spread' };
  optimizer: {
    name: string; lr: number; lrScheduler: 'cosine' | 'step' | 'multistep'; lrFactor: number; lrSchedule: number[]; weightDecay: number;
    momentum: number; warmupPeriod: number; fineTuneLr: number; readoutLr: number;
  };
  model: {
    name: string; featureExtractor: string; featureLayer: string; pretrained: boolean; pretrainedWeights?: string; numPrototypes: number;
    prototypeDim: number; prototypeKernelSize: number; initWeights: boolean; prototypeActivation: 'log' | 'linear';
    addOnLayersType: 'regular' | 'bottleneck'; epsilon: number; learnPrototypes: boolean; incorrectStrength: number; correctStrength: number;
    classSpecific: boolean; readoutType: 'linear' | 'sparse' | 'proto'; distance: 'l2' | 'cosine';
  };
  loss: { xent: number; cluster: number; separation: number; l1: number };
}

/** Reads the typed settings; `val-every-n-epoch` defaults to `max(1, round(E/50))`, `test.batch-size` to the training one. */
export function settingsOf(c: FlatConfig): Settings {
  const g = <T>(k: string) => c[k] as T;
  const gd = <T>(k: string) => (c[k] ?? TRAIN_OPTIONS.find((o) => o.key === k)?.default) as T;
  const epochs = g<number>('train.epochs');
  return {
    ...(c['seed'] !== undefined ? { seed: g<number>('seed') } : {}),
    logDir: g('log-dir'),
    ...(c['run-id'] !== undefined ? { runId: String(c['run-id']) } : {}),
    debug: g('debug'),
    tbLogging: g('tb-logging'),
    dataset: { name: g('dataset.name'), valSize: g('dataset.val-size'), augmentFactor: g('dataset.augment-factor'), root: g('dataset.root'), cropToBbox: g('dataset.crop-to-bbox'), legacyValAugment: g<boolean | undefined>('dataset.legacy-val-augment') ?? false, skipCorrupt: gd('dataset.skip-corrupt'), allowOutsideRoot: gd('dataset.allow-outside-root'), numWorkers: g<number | undefined>('dataset.num-workers'), cacheMb: gd('dataset.cache-mb') },
    train: {
      epochs, batchSize: g('train.batch-size'), accumulateGradBatches: g<number | undefined>('train.accumulate-grad-batches') ?? 1,
      checkpoint: g('train.checkpoint'),
      ...(c['train.gradient-clip-norm'] !== undefined ? { gradientClipNorm: g<number>('train.gradient-clip-norm') } : {}),
      valEveryNEpoch: g<number | undefined>('train.val-every-n-epoch') ?? Math.max(1, roundHalfEven(epochs / 50)),
      pushPrototypes: g('train.push-prototypes'), pushEvery: g('train.push-every'), readoutPushEpochs: g('train.readout-push-epochs'),
      pushDuplicateFilter: g('train.push-duplicate-filter'),
      ...(c['train.limit-batches'] !== undefined ? { limitBatches: g<number>('train.limit-batches') } : {}),
      batchNorm: gd('train.batch-norm'),
    },
    test: { batchSize: g<number | undefined>('test.batch-size') ?? g<number>('train.batch-size'), ...(c['test.limit-batches'] !== undefined ? { limitBatches: g<number>('test.limit-batches') } : {}) },
    // runs started before these options existed lack them: the table's defaults
    eval: { interpretability: gd('eval.interpretability'), rotSteps: gd('eval.rot-steps'), rotNumSamples: gd('eval.rot-num-samples'), rotSampleOrder: gd('eval.rot-sample-order') },
    optimizer: {
      name: g('optimizer.name'), lr: g('optimizer.lr'), lrScheduler: g('optimizer.lr-scheduler'), lrFactor: g('optimizer.lr-factor'),
      lrSchedule: g('optimizer.lr-schedule'), weightDecay: g('optimizer.weight-decay'), momentum: g('optimizer.momentum'),
      warmupPeriod: g('optimizer.warmup-period'), fineTuneLr: g('optimizer.fine-tune-lr'), readoutLr: g('optimizer.readout-lr'),
    },
    model: {
      name: g('model.name'), featureExtractor: g('model.feature-extractor'), featureLayer: g('model.feature-layer'), pretrained: g('model.pretrained'),
      ...(c['model.pretrained-weights'] !== undefined ? { pretrainedWeights: g<string>('model.pretrained-weights') } : {}),
      numPrototypes: g('model.num-prototypes'), prototypeDim: g('model.prototype-dim'), prototypeKernelSize: g('model.prototype-kernel-size'),
      initWeights: g('model.init-weights'), prototypeActivation: g('model.prototype-activation'), addOnLayersType: g('model.add-on-layers-type'),
      epsilon: g('model.epsilon'), learnPrototypes: g('model.learn-prototypes'), incorrectStrength: g('model.incorrect-strength'),
      correctStrength: g('model.correct-strength'), classSpecific: g('model.class-specific'), readoutType: g('model.readout-type'), distance: g('model.distance'),
    },
    loss: { xent: g('loss.xent'), cluster: g('loss.cluster'), separation: g('loss.separation'), l1: g('loss.l1') },
  };
}

/** Checks what the schema cannot: value ranges and combinations. Errors name the option and the fix. */
export function checkSettings(s: Settings): void {
  const bad: string[] = [];
  // ranges are the option table's (checked when the configuration is resolved); here: rules across options
  if (s.model.prototypeKernelSize !== 1) bad.push(`--model.prototype-kernel-size must be 1 (the receptive-field mapping needs 1×1 prototypes), got ${s.model.prototypeKernelSize}`);
  if (s.optimizer.lrScheduler === 'step' && s.optimizer.lrSchedule.length !== 1) bad.push(`--optimizer.lr-scheduler step needs exactly one value in --optimizer.lr-schedule, got [${s.optimizer.lrSchedule}]`);
  if (s.optimizer.lrScheduler === 'step' && s.optimizer.lrSchedule.some((v) => v < 1)) bad.push(`--optimizer.lr-schedule: the step period must be at least 1 epoch, got [${s.optimizer.lrSchedule}]`);
  try {
    optimizerName(s.optimizer.name);
  } catch (e) {
    bad.push(`--optimizer.name: ${(e as Error).message.replace(/\.$/, '')}`);
  }
  if (bad.length) throw new Error(`Invalid configuration: ${bad.join('; ')}.`);
}
