/** Merging the CSVs of a sweep's shards: they must belong to one sweep, and together hold every row exactly once. */
import path from 'node:path';
import { planSweep } from './plan.js';
import { lockSweepCsv, readSidecar, readSweepCsv, writeSweepCsv } from './csv.js';
import type { SweepCsvRow } from './csv.js';

/** Merges `files` into `out` in the sweep's row order; errors name the file at fault and the rows. */
export function mergeSweeps(out: string, files: readonly string[]): SweepCsvRow[] {
  if (!files.length) throw new Error('sweep merge: give the shard CSVs to merge.');
  const twice = files.find((f, k) => files.findIndex((g) => path.resolve(g) === path.resolve(f)) !== k);
  if (twice) throw new Error(`sweep merge: ${twice} is given twice; give each shard CSV once.`);
  const sides = files.map((f) => {
    const s = readSidecar(f);
    if (!s) throw new Error(`${f} has no ${f}.sweep.json beside it: it was not written by pixpnet sweep.`);
    return s;
  });
  const first = sides[0]!;
  sides.forEach((s, k) => {
    if (s.id !== first.id) throw new Error(`${files[k]} belongs to sweep ${s.id}, ${files[0]} to sweep ${first.id}: merge the shards of one sweep.`);
  });
  const plan = planSweep(first.settings);
  if (plan.id !== first.id) throw new Error(`${files[0]}'s sweep settings no longer plan the same rows (zoo changed?): run the sweep again.`);
  const where = new Map<string, string>();
  const rows = new Map<string, SweepCsvRow>();
  files.forEach((f) => {
    for (const r of readSweepCsv(f)) {
      const key = `${r.Model}/${r['Stage Name']}`;
      if (where.get(key) === f) throw new Error(`${key} is twice in ${f}: two sweeps wrote that CSV at once (each row twice). Keep one copy of each row, then merge again.`);
      if (where.has(key)) throw new Error(`${key} is in both ${where.get(key)} and ${f}: a row must be in one shard.`);
      where.set(key, f);
      rows.set(key, r);
    }
  });
  const missing = plan.rows.filter((r) => !rows.has(`${r.model}/${r.stage}`)).map((r) => `${r.model}/${r.stage}`);
  if (missing.length) throw new Error(`${missing.length} row(s) of the sweep are in no shard (e.g. ${missing.slice(0, 5).join(', ')}): finish the shards that hold them.`);
  const merged = plan.rows.map((r) => rows.get(`${r.model}/${r.stage}`)!);
  const lock = lockSweepCsv(out);
  try {
    writeSweepCsv(out, merged);
  } finally {
    lock.release();
  }
  return merged;
}
