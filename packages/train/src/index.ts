/**
 * `@pixpnet/train`: the PixPNet training pipeline — configuration (spec §3.10), losses, optimizers, schedules,
 * the fit loop with push (§3.5, §4), checkpoints and resume, run outputs, all streamed as RxJS events.
 *
 * @packageDocumentation
 */
export { train, latestCheckpoint } from './run.js';
export type { TrainOptions } from './run.js';
export type {
  TrainEvent, Phase, RunStartEvent, EpochStartEvent, StepEvent, MetricsEvent, ValidationEvent, ValidationAfterPushEvent, PushEvent, EpochEndEvent, CheckpointEvent, TestEvent,
  RunEndEvent, ErrorEvent, ModelInfoRecord, HistogramsEvent,
} from './events.js';
export { attachWriters } from './writers/index.js';
export type { WriterOptions } from './writers/index.js';
export { CsvMetricsWriter, readMetricsCsv } from './writers/csv.js';
export { ResultsWriter } from './writers/results.js';
export { TensorBoardWriter, readTensorBoardEvents } from './writers/tensorboard.js';
export type { TensorBoardEvent, TensorBoardHistogram, TensorBoardWriterOptions, ReadEventsOptions } from './writers/tensorboard.js';
export { loadRun, runCheckpoint, readResultsConfig } from './load_run.js';
export { readRunYaml, readCheckedYaml, readScores, readModelInfo, readBestModelPath, RUN_FILE_LIMITS, SCORES_SCHEMA, MODEL_INFO_SCHEMA } from './run_files.js';
export type { LoadedRun } from './load_run.js';
export { saveCheckpoint, readCheckpoint, modelFromCheckpoint, restoreOptimizer, modelStateDict } from './checkpoint.js';
export { lockRunDir, LOCK_FILE } from './lock.js';
export type { RunLock } from './lock.js';
export type { Checkpoint, CheckpointMeta, LoopState } from './checkpoint.js';
export { pushPrototypes, PushState } from './push.js';
export { quantiles } from '@pixpnet/engine';
export type { DuplicateFilter, PushBatch, PushStats } from './push.js';
export { FitLoop, DivergedError } from './trainer.js';
export type { LoopInputs } from './trainer.js';
export { settingsOf, checkSettings } from './settings.js';
export { planRun, checkRunHead } from './plan.js';
export type { RunPlan, PlanOptions } from './plan.js';
export type { Settings } from './settings.js';
export { createRunDir, runPaths, timestamp } from './run_dir.js';
export { nestConfig, flattenNested } from './nested.js';
export { metricNames, lossKeys, MetricAccumulator } from './metrics.js';
export { microBatchSize, bytesPerSample, evalBytesPerSample, WASM_STEP_BUDGET } from '@pixpnet/models';
export { protoLosses, DEFAULT_COEFFICIENTS } from './losses.js';
export type { LossCoefficients, LossTerms } from './losses.js';
export { lrMultiplier, baseSchedule } from './schedule.js';
export type { ScheduleOptions } from './schedule.js';
export { GroupedOptimizer, optimizerName } from './optimizers.js';
export type { OptimizerOptions, ParamGroup, NamedTensor } from './optimizers.js';
export { TRAIN_OPTIONS } from './options.js';
export type { OptionSpec } from './options.js';
export { resolveConfig, configSchema, flatten, parseValue } from './config.js';
export type { FlatConfig } from './config.js';
export * from './sweep/index.js';
