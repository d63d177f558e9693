/**
 * Runs a sweep (or one shard of it): opens the dataset once, skips the rows its CSV already holds (a killed sweep
 * resumes), trains and tests each remaining row, and appends its CSV row as soon as it finishes. A row that
 * cannot run (too large, weights that fail to load) is recorded with the reason in `Note`, and the sweep goes on.
 */
import { engineInfo, log } from '@pixpnet/engine';
import { DataLoader, makeSplits, openDataset } from '@pixpnet/data';
import type { SweepPlan } from './plan.js';
import { shardRows } from './shard.js';
import type { Shard } from './shard.js';
import { appendSweepRow, lockSweepCsv, openSweepCsv } from './csv.js';
import type { SweepCsvRow } from './csv.js';
import { trainRow } from './classifier.js';
import { ArrayLoader, splitBytes } from './memory.js';
import type { BatchSource } from './memory.js';

/** Progress of a sweep. */
export type SweepEvent =
  | { type: 'start'; rows: number; skipped: number; total: number }
  | { type: 'rowStart'; index: number; rows: number; model: string; stage: string }
  | { type: 'batch'; done: number; total: number }
  | { type: 'rowEnd'; index: number; rows: number; row: SweepCsvRow };

/** Options of {@link runSweep}. */
export interface RunSweepOptions {
  plan: SweepPlan;
  /** The CSV to append to (its sidecar `<csv>.sweep.json` beside it). */
  out: string;
  shard?: Shard;
  onEvent?: (e: SweepEvent) => void;
  /** Bytes one training step may use (default: the wasm budget). */
  stepBudget?: number;
}

/** Runs the sweep; resolves with the rows this call added. */
export async function runSweep(o: RunSweepOptions): Promise<SweepCsvRow[]> {
  const { plan } = o;
  const mine = shardRows(plan.rows, o.shard);
  const lock = lockSweepCsv(o.out); // before reading it: the rows done are this owner's to know
  try {
    return await runRows(o, mine, openSweepCsv(o.out, plan, o.shard));
  } finally {
    lock.release();
  }
}

async function runRows(o: RunSweepOptions, mine: SweepPlan['rows'], done: SweepCsvRow[]): Promise<SweepCsvRow[]> {
  const { plan } = o;
  const s = plan.settings;
  const finished = new Set(done.map((r) => `${r.Model}/${r['Stage Name']}`));
  const todo = mine.filter((r) => !finished.has(`${r.model}/${r.stage}`));
  o.onEvent?.({ type: 'start', rows: todo.length, skipped: mine.length - todo.length, total: plan.rows.length });
  if (!todo.length) return [];
  const ds = await openDataset(s.dataset, s.datasetRoot, { parts: false, allowOutsideRoot: s.allowOutsideRoot === true });
  const splits = makeSplits(ds.index.samples, { valSize: 0, seed: s.seed, augmentFactor: 1 });
  const preset = plan.inputSize === ds.inputSize ? ds.preset : { ...ds.preset, downsample: plan.inputSize };
  const loader = (indices: number[], augment: boolean, shuffle: boolean) =>
    new DataLoader(ds.index.samples, preset, { batchSize: s.batchSize, indices, seed: s.seed, shuffle, augment });
  // without augmentation a small dataset is transformed once for every row (≤ 2 GiB in memory)
  const inMemory = s.augment === false && splitBytes(splits.train.length + splits.test.length, plan.inputSize, plan.inputSize) <= 2 ** 31;
  const train: BatchSource = inMemory ? await ArrayLoader.from(loader(splits.train, false, false), s.batchSize, { shuffle: true, seed: s.seed })
    : loader(splits.train, s.augment !== false, true);
  const test: BatchSource = inMemory ? await ArrayLoader.from(loader(splits.test, false, false), s.batchSize, { shuffle: false, seed: s.seed }) : loader(splits.test, false, false);
  const engine = engineInfo();
  const backend = engine ? `${engine.backend}${engine.threads ? ` (${engine.threads} threads)` : ''}` : 'unknown';
  const added: SweepCsvRow[] = [];
  for (const [k, r] of todo.entries()) {
    o.onEvent?.({ type: 'rowStart', index: k, rows: todo.length, model: r.model, stage: r.stage });
    train.epoch = 0; // every row sees the same batches, whichever shard or process runs it
    test.epoch = 0;
    const base = {
      Model: r.model, 'Stage #': String(r.stageNumber), 'Stage Name': r.stage, Dataset: plan.datasetKey.toLowerCase(),
      Height: String(plan.inputSize), Width: String(plan.inputSize), Backend: backend, Sweep: plan.id,
    };
    let row: SweepCsvRow;
    try {
      const res = await trainRow({
        model: r.model, stage: r.stage, inputSize: plan.inputSize, numClasses: ds.numClasses, epochs: s.epochs, lr: s.lr,
        pretrained: s.pretrained, seed: s.seed, train, test, ...(s.debug ? { maxBatches: 3 } : {}),
        ...(o.stepBudget !== undefined ? { stepBudget: o.stepBudget } : {}),
        onBatch: (d, t) => o.onEvent?.({ type: 'batch', done: d, total: t }),
      });
      row = {
        ...base, 'Test Accuracy Epoch': String(res.top1), 'Test Accuracy Top5 Epoch': String(res.top5), 'Patch % of Image': res.patchPct.toPrecision(6),
        Params: String(res.params), 'MACs per Image': String(res.macs), 'Train Seconds': res.trainSeconds.toFixed(1), Pretrained: res.pretrained, Note: '',
      };
    } catch (e) {
      const why = (e as Error).message;
      log.warning(`${r.model} ${r.stage}: could not run (${why}); recorded, the sweep goes on.`);
      row = { ...base, 'Test Accuracy Epoch': '', 'Test Accuracy Top5 Epoch': '', 'Patch % of Image': '', Params: '', 'MACs per Image': '', 'Train Seconds': '', Pretrained: '', Note: why };
    }
    appendSweepRow(o.out, row);
    added.push(row);
    o.onEvent?.({ type: 'rowEnd', index: k, rows: todo.length, row });
  }
  return added;
}
