/**
 * Reading the CSV of a Goldilocks sweep (one row per backbone × cut stage): `pixpnet sweep`'s own format, or the
 * reference implementation's `hackjob_results_*.csv`. Columns are checked before any row is read.
 */
import { parse } from 'csv-parse/sync';

/** The reference's columns: every sweep CSV has them (in any order). */
export const REFERENCE_COLUMNS = [
  'Model', 'Stage #', 'Stage Name', 'Dataset', 'Height', 'Width', 'Test Accuracy Epoch', 'Test Accuracy Top5 Epoch',
] as const;

/** The columns of `pixpnet sweep`'s CSV, in the order it writes them. */
export const SWEEP_COLUMNS = [
  'Model', 'Stage #', 'Stage Name', 'Dataset', 'Height', 'Width', 'Test Accuracy Epoch', 'Test Accuracy Top5 Epoch',
  'Patch % of Image', 'Params', 'MACs per Image', 'Train Seconds', 'Backend', 'Pretrained', 'Note', 'Sweep',
] as const;

/** The columns only `pixpnet sweep` writes: a CSV with any of them must have them all. */
const OWN_COLUMNS = SWEEP_COLUMNS.filter((c) => !(REFERENCE_COLUMNS as readonly string[]).includes(c));

/** One row of a sweep CSV: one backbone cut at one stage, trained and tested (or not, then `note` says why). */
export interface SweepRow {
  model: string;
  /** 1-based position of the stage in the backbone's full module sequence (`Stage #`). */
  stageNumber: number;
  stageName: string;
  dataset: string;
  height: number;
  width: number;
  /** Top-1 test accuracy as a fraction in [0, 1]; `null` when the row did not run. */
  testAccuracy: number | null;
  /** Top-5 test accuracy as a fraction in [0, 1]; `null` when missing. */
  testAccuracyTop5: number | null;
  /** The stage's mean receptive field as % of the image, when the CSV gives it (`pixpnet sweep`'s CSVs). */
  patchPct: number | null;
  /** Trainable parameters of the cut network with its head. */
  params?: number | string;
  macsPerImage?: number | string;
  trainSeconds?: number | string;
  backend?: string;
  pretrained?: string;
  /** Why the row could not run; empty when it ran. */
  note: string;
  /** The id of the sweep's settings. */
  sweep?: string;
  /** Where the row comes from: `file:line`. */
  source: string;
}

/** A sweep CSV read by {@link readSweepCsv}. */
export interface SweepCsv {
  /** The name the CSV was read under (its path). */
  name: string;
  /** `pixpnet` when it has `pixpnet sweep`'s columns, `reference` for the reference's own CSVs. */
  format: 'pixpnet' | 'reference';
  rows: SweepRow[];
}

/**
 * Parses the text of a sweep CSV. `name` (its path) prefixes every error.
 *
 * @throws Error naming the file when it is empty, when required columns are missing (naming them), or when a cell
 *   does not hold what its column needs (naming the line): accuracies must be fractions in [0, 1].
 */
export function readSweepCsv(text: string, name: string): SweepCsv {
  if (text.trim() === '') {
    throw new Error(`${name} is empty: a sweep CSV (written by pixpnet sweep) starts with the header ${SWEEP_COLUMNS.join(', ')}.`);
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (e) {
    throw new Error(`${name} is not a readable CSV: ${(e as Error).message}`);
  }
  const header = records[0]!.record.map((h) => h.trim());
  const own = OWN_COLUMNS.some((c) => header.includes(c));
  const required: readonly string[] = own ? SWEEP_COLUMNS : REFERENCE_COLUMNS;
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length) {
    const what = own ? "pixpnet sweep's CSV" : 'a sweep CSV';
    throw new Error(`${name} is not a sweep CSV: ${what} needs the column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}, ` +
      `missing from its header (${header.map((h) => `'${h}'`).join(', ') || 'nothing'}). Sweep CSVs come from pixpnet sweep or the reference's hackjobs script.`);
  }
  const col = new Map(header.map((h, i) => [h, i]));
  const rows = records.slice(1).map(({ record, info }) => {
    const at = `${name} line ${info.lines}`;
    const cell = (c: string) => (col.has(c) ? (record[col.get(c)!] ?? '').trim() : '');
    const whole = (c: string, min: number) => {
      const v = Number(cell(c));
      if (cell(c) === '' || !Number.isInteger(v) || v < min) throw new Error(`${at}: '${c}' must be a whole number ≥ ${min}, got '${cell(c)}'.`);
      return v;
    };
    const fraction = (c: string) => {
      if (cell(c) === '') return null;
      const v = Number(cell(c));
      if (!Number.isFinite(v) || v < 0 || v > 1) throw new Error(`${at}: '${c}' must be an accuracy as a fraction from 0 to 1, got '${cell(c)}'.`);
      return v;
    };
    const text = (c: string) => {
      const v = cell(c);
      if (v === '') throw new Error(`${at}: '${c}' is empty.`);
      return v;
    };
    const patch = cell('Patch % of Image');
    const patchPct = patch === '' ? null : Number(patch);
    if (patchPct !== null && !(patchPct > 0 && patchPct <= 100)) throw new Error(`${at}: 'Patch % of Image' must be a percentage in (0, 100], got '${patch}'.`);
    const row: SweepRow = {
      model: text('Model'), stageNumber: whole('Stage #', 0), stageName: text('Stage Name'), dataset: text('Dataset'),
      height: whole('Height', 1), width: whole('Width', 1),
      testAccuracy: fraction('Test Accuracy Epoch'), testAccuracyTop5: fraction('Test Accuracy Top5 Epoch'),
      patchPct, note: cell('Note'), source: `${name}:${info.lines}`,
    };
    const optional = (c: string, key: 'params' | 'macsPerImage' | 'trainSeconds') => {
      const v = cell(c);
      if (v !== '') row[key] = Number.isFinite(Number(v)) ? Number(v) : v;
    };
    optional('Params', 'params');
    optional('MACs per Image', 'macsPerImage');
    optional('Train Seconds', 'trainSeconds');
    for (const [c, key] of [['Backend', 'backend'], ['Pretrained', 'pretrained'], ['Sweep', 'sweep']] as const) if (cell(c) !== '') row[key] = cell(c);
    return row;
  });
  return { name, format: own ? 'pixpnet' : 'reference', rows };
}
