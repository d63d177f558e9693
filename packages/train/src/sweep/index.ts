/** The Goldilocks sweep: training a classifier on every (backbone, stage), sharded, resumable, mergeable. */
export { planSweep } from './plan.js';
export type { SweepPlan, SweepRow, SweepSettings } from './plan.js';
export { defaultSweepStages, namedSweepStages } from './stages.js';
export type { SweepStage } from './stages.js';
export { parseShard, shardFromEnv, shardRows } from './shard.js';
export type { Shard } from './shard.js';
export { SWEEP_COLUMNS, readSweepCsv, readSidecar, openSweepCsv, appendSweepRow, writeSweepCsv, sidecarPath, lockSweepCsv } from './csv.js';
export type { SweepCsvRow, SweepSidecar } from './csv.js';
export { trainRow } from './classifier.js';
export type { RowJob, RowResult } from './classifier.js';
export { runSweep } from './sweep.js';
export type { RunSweepOptions, SweepEvent } from './sweep.js';
export { mergeSweeps } from './merge.js';
export { sbatchScript } from './sbatch.js';
export type { SbatchOptions } from './sbatch.js';
export { ArrayLoader, splitBytes } from './memory.js';
export type { BatchSource, XY } from './memory.js';
