/** The typed events a training run emits (an RxJS `Observable<TrainEvent>`): every output is a subscriber. */
import type { PushStats } from './push.js';

/** The phase of a training epoch (spec §3.5). */
export type Phase = 'warm' | 'joint' | 'readout';

/** The run begins (or resumes). */
export interface RunStartEvent {
  type: 'runStart';
  runDir: string;
  /** The resolved flat configuration, including the seed actually used. */
  config: Record<string, unknown>;
  /** Nested configuration with the derived entries of spec §3.8 (what `results/config.yaml` holds). */
  resultsConfig: Record<string, unknown>;
  /** Metric columns of `metrics.csv`, in order. */
  metricNames: string[];
  sizes: { train: number; val: number; test: number; push: number };
  stepsPerEpoch: number;
  epochs: number;
  backend: string;
  /** When resuming: the checkpoint and the state it restored. */
  resumed?: { checkpoint?: string; epoch: number; globalStep: number; csvRows: number };
  /** The seed in use (the configured one, or the one drawn). */
  seed: number;
  /** Images left out as unreadable (`--dataset.skip-corrupt`). */
  skippedImages?: Array<{ file: string; reason: string }>;
}

export interface EpochStartEvent {
  type: 'epochStart';
  /** 0-based epoch. */
  epoch: number;
  phase: Phase;
  /** Readout fine-tuning: which of the `readout-push-epochs` (0-based). */
  readoutEpoch?: number;
  batches: number;
  lrs: number[];
}

/** One training batch. */
export interface StepEvent {
  type: 'step';
  epoch: number;
  phase: Phase;
  /** Optimizer steps so far (after this batch). */
  globalStep: number;
  batch: number;
  batches: number;
  /** Images in this batch. */
  images: number;
  /** `train_*` values of this batch (losses, weighted losses, accuracies). */
  metrics: Record<string, number>;
  lrs: number[];
  seconds: number;
}

/** One row of logged scalars (one CSV row, one TensorBoard step). */
export interface MetricsEvent {
  type: 'metrics';
  epoch: number;
  step: number;
  values: Record<string, number>;
}

/** `--tb-logging` (spec §3.7): value distributions after a training step, by tag. */
export interface HistogramsEvent {
  type: 'histograms';
  step: number;
  values: Record<string, Float32Array>;
}

export interface ValidationEvent {
  type: 'validation';
  epoch: number;
  metrics: Record<string, number>;
}

/**
 * A push epoch's validation of the model after the push (and its last-layer epochs, `lastLayer`): the model kept and
 * tested. The epoch's {@link ValidationEvent} (and its `metrics.csv` row) saw the model before the push.
 */
export interface ValidationAfterPushEvent {
  type: 'validationAfterPush';
  epoch: number;
  lastLayer: boolean;
  metrics: Record<string, number>;
}

/** A push: the prototypes projected onto their nearest training patches (drawn by the CLI's progress display). */
export interface PushEvent {
  type: 'push';
  epoch: number;
  /** The model's number of prototypes. */
  prototypes: number;
  stats: PushStats;
  seconds: number;
}

export interface EpochEndEvent {
  type: 'epochEnd';
  epoch: number;
  /** Mean `train_*` values over the epoch's batches. */
  metrics: Record<string, number>;
  seconds: number;
}

/**
 * One batch of a stage that is not a training epoch — a validation, a push, the test — so that a log without a
 * terminal can show the run moving (the CLI writes a line every `--log.every-seconds`).
 */
export interface StageProgressEvent {
  type: 'progress';
  stage: 'validation' | 'push' | 'test';
  /** The epoch (0-based) of a validation or push. */
  epoch?: number;
  /** Batches done, of `total` (0: the stage begins). */
  done: number;
  total: number;
  /** Images in this batch. */
  images: number;
}

export interface CheckpointEvent {
  type: 'checkpoint';
  epoch: number;
  globalStep: number;
  path: string;
}

export interface TestEvent {
  type: 'test';
  metrics: Record<string, number>;
}

/** What `results/model_info.yaml` holds (spec §3.8). */
export interface ModelInfoRecord {
  model_size: number;
  trainable_parameters: number;
  total_parameters: number;
  /** MACs of one training batch (the reference's fvcore figure). */
  macs: number;
  macs_per_image: number;
  train_time_total: number;
  train_time_per_epoch: number;
  inference_time_per_sample: number;
  inference_time_per_batch: number;
  backend: string;
}

export interface RunEndEvent {
  type: 'runEnd';
  runDir: string;
  scores: Record<string, number>;
  modelInfo: ModelInfoRecord;
  /** The checkpoint the tested model came from. */
  checkpoint: string;
  /** The model folder (`model.json` + `weights.bin`) loadable in browsers and by `loadProtoNet`. */
  modelDir: string;
  /** Whether `results/best_model_path.txt` is written (`--train.checkpoint`). */
  writeBestModelPath: boolean;
  seconds: number;
}

export interface ErrorEvent {
  type: 'error';
  message: string;
  epoch?: number;
  globalStep?: number;
}

/** Any event of a run. */
export type TrainEvent =
  | RunStartEvent | EpochStartEvent | StepEvent | MetricsEvent | HistogramsEvent | ValidationEvent | ValidationAfterPushEvent | PushEvent | EpochEndEvent | CheckpointEvent | TestEvent | RunEndEvent
  | StageProgressEvent | ErrorEvent;
