/**
 * A sweep's CSV: the reference's column names and ours, one row per (model, stage), appended atomically as each
 * row finishes (the file is rewritten through a temporary file, so a killed sweep leaves the rows it finished),
 * and a sidecar `<csv>.sweep.json` holding the settings, the identity and the shard — what resume and merge check.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { lockFile, writeAtomic } from '@pixpnet/engine';
import type { FileLock } from '@pixpnet/engine';
import type { SweepPlan, SweepSettings } from './plan.js';
import type { Shard } from './shard.js';

/** The columns, in order: the reference's, then ours. */
export const SWEEP_COLUMNS = [
  'Model', 'Stage #', 'Stage Name', 'Dataset', 'Height', 'Width', 'Test Accuracy Epoch', 'Test Accuracy Top5 Epoch',
  'Patch % of Image', 'Params', 'MACs per Image', 'Train Seconds', 'Backend', 'Pretrained', 'Note', 'Sweep',
] as const;

/** One CSV row by column name (cells as text). */
export type SweepCsvRow = Record<(typeof SWEEP_COLUMNS)[number], string>;

/** What the sidecar holds. */
export interface SweepSidecar {
  id: string;
  settings: SweepSettings;
  rows: number;
  shard?: Shard;
}

/**
 * Takes the lock of a sweep CSV (`<csv>.lock`, the same kind of lock as a run directory's): one process writes a
 * sweep CSV at a time — two sweeps on one CSV would each write every row.
 */
export function lockSweepCsv(csv: string): FileLock {
  return lockFile(`${path.resolve(csv)}.lock`, { what: `the sweep CSV ${csv}`, why: 'two sweeps writing one CSV would each write every row' });
}

/** The sidecar path of a CSV. */
export const sidecarPath = (csv: string) => `${csv}.sweep.json`;

/** Reads a sweep CSV (an absent file: no rows); a CSV of another format is an error naming the missing columns. */
export function readSweepCsv(file: string): SweepCsvRow[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  if (!text.trim()) return [];
  let rows: Array<Record<string, string>>;
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  } catch (e) {
    throw new Error(`${file} is not a CSV file: ${(e as Error).message}`);
  }
  const header = (parse(text, { to_line: 1 }) as string[][])[0] ?? [];
  const missing = SWEEP_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new Error(`${file} is not a pixpnet sweep CSV: it lacks the column(s) ${missing.join(', ')}.`);
  return rows as SweepCsvRow[];
}

/** Reads the sidecar of `csv`, if any. */
export function readSidecar(csv: string): SweepSidecar | undefined {
  const f = sidecarPath(csv);
  if (!fs.existsSync(f)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(f, 'utf8')) as SweepSidecar;
  } catch (e) {
    throw new Error(`${f} is not valid JSON (${(e as Error).message}): it describes ${csv}'s sweep; delete both to start over.`);
  }
}

/**
 * Prepares `csv` for `plan` (and `shard`): a new file gets its header and sidecar; an existing one must belong to
 * the same sweep and shard (else an error: a different sweep never shares a file). Returns the rows already done.
 */
export function openSweepCsv(csv: string, plan: SweepPlan, shard?: Shard): SweepCsvRow[] {
  const done = readSweepCsv(csv);
  const side = readSidecar(csv);
  if (fs.existsSync(csv) && (side?.id !== plan.id || side.shard?.index !== shard?.index || side.shard?.count !== shard?.count)) {
    const what = side ? `sweep ${side.id}${side.shard ? ` (shard ${side.shard.index}/${side.shard.count})` : ''}` : 'a sweep without its sidecar';
    throw new Error(`${csv} holds ${what}, not this one (${plan.id}${shard ? `, shard ${shard.index}/${shard.count}` : ''}): give another --out, or delete it to start over.`);
  }
  if (done.some((r) => r.Sweep !== plan.id)) throw new Error(`${csv} mixes rows of other sweeps: give another --out.`);
  if (!fs.existsSync(csv)) writeAtomic(csv, stringify([], { header: true, columns: [...SWEEP_COLUMNS] }));
  const sidecar: SweepSidecar = { id: plan.id, settings: plan.settings, rows: plan.rows.length, ...(shard ? { shard } : {}) };
  writeAtomic(sidecarPath(csv), `${JSON.stringify(sidecar, null, 2)}\n`);
  return done;
}

/** Appends one row (the whole file rewritten atomically). */
export function appendSweepRow(csv: string, row: SweepCsvRow): void {
  const rows = [...readSweepCsv(csv), row];
  writeAtomic(csv, stringify(rows, { header: true, columns: [...SWEEP_COLUMNS] }));
}

/** Writes rows as a sweep CSV. */
export function writeSweepCsv(csv: string, rows: readonly SweepCsvRow[]): void {
  writeAtomic(csv, stringify(rows as SweepCsvRow[], { header: true, columns: [...SWEEP_COLUMNS] }));
}
