/**
 * The analysis of a Goldilocks sweep: rows that ran, sorted naturally, each with its patch % (mean receptive field
 * as % of the image), its `Stage # Norm` and its Pareto rank within its panel (dataset and input size).
 */
import { compareSweepRows } from './natural.js';
import { paretoRanks } from './pareto.js';
import { zooPatchPcts } from '@pixpnet/symbolic';
import type { SweepCsv, SweepRow } from './csv.js';

/** A row that ran, analysed. */
export interface AnalyzedSweepRow extends SweepRow {
  testAccuracy: number;
  patchPct: number;
  /** `Stage #` min-max normalised within the model's rows (0 for a model with one stage). */
  stageNorm: number;
  /** 1 on the Pareto front of the row's panel, 2 on the front of the rest, … */
  paretoRank: number;
  /** The panel: the dataset, with the input size when the dataset was swept at several. */
  panel: string;
}

/** What {@link analyzeSweep} returns. */
export interface SweepAnalysis {
  /** The rows that ran, in natural order (dataset, model, stage). */
  rows: AnalyzedSweepRow[];
  /** The rows that did not run (a note or no test accuracy), in natural order: reported, not analysed. */
  skipped: SweepRow[];
  /** The panels, in order. */
  panels: string[];
  /** Things worth telling (rows present twice, …). */
  warnings: string[];
}

/** Computes the patch % of stages `stages` of `model` at `height × width` (default: the zoo's exact receptive fields). */
export type PatchPctResolver = (model: string, height: number, width: number, stages: readonly string[]) => Record<string, number>;

/** Options of {@link analyzeSweep}. */
export interface AnalyzeSweepOptions {
  /** Where patch % comes from for rows whose CSV does not give it (the reference's CSVs). */
  patchPcts?: PatchPctResolver;
}

/** A row that did not run: why. */
export function skipReason(r: SweepRow): string {
  return r.note || 'no test accuracy';
}

/**
 * Throws when one (model, stage, dataset, size) row of one sweep's settings comes twice — two sweeps that wrote one
 * CSV, or a CSV given twice — naming the lines. Rows of the same model and stage under other settings (another
 * sweep id) are a comparison, not duplicates; the reference's CSVs carry no settings, so there only rows of one file
 * count.
 */
export function refuseDuplicateRows(csvs: readonly SweepCsv[]): void {
  const seen = new Map<string, string[]>();
  for (const c of csvs) {
    for (const r of c.rows) {
      const settings = r.sweep !== undefined ? `sweep ${r.sweep}${r.pretrained ? `, pretrained ${r.pretrained}` : ''}` : `file ${c.name}`;
      const key = `${r.model} ${r.stageName} on ${r.dataset} at ${r.height}x${r.width} (${settings})`;
      seen.set(key, [...(seen.get(key) ?? []), r.source]);
    }
  }
  const dups = [...seen].filter(([, at]) => at.length > 1);
  if (!dups.length) return;
  const list = dups.slice(0, 10).map(([k, at]) => `${k}: ${at.join(', ')}`).join('; ');
  throw new Error(`${dups.length} row(s) of the same sweep settings come more than once — ${list}${dups.length > 10 ? '; …' : ''}. ` +
    'Two sweeps wrote one CSV, or a CSV was given twice: keep one copy of each row (pixpnet sweep merge merges shards and checks this), then analyse again.');
}

/**
 * Analyses the rows of one or more sweep CSVs. Rows with a `Note` or without a test accuracy are set aside in
 * `skipped`. Rows without a `Patch % of Image` (the reference's CSVs) get it from the zoo.
 *
 * The reference dropped DenseNet's `norm0` and `norm5` (it had no receptive field for them); the zoo has exact
 * fields for every stage, so those rows are kept.
 *
 * @throws Error when a row of one sweep's settings comes twice ({@link refuseDuplicateRows}), when no row ran, or when a row's patch % cannot be computed (naming the row, model and stage).
 */
export function analyzeSweep(csvs: readonly SweepCsv[], options: AnalyzeSweepOptions = {}): SweepAnalysis {
  refuseDuplicateRows(csvs);
  const all = csvs.flatMap((c) => c.rows).sort(compareSweepRows);
  const ran = all.filter((r) => !r.note && r.testAccuracy !== null);
  const skipped = all.filter((r) => r.note || r.testAccuracy === null);
  if (!ran.length) {
    const names = csvs.map((c) => c.name).join(', ');
    throw new Error(`No row with a test accuracy in ${names || 'no CSV'}` + (skipped.length ? ` (${skipped.length} row${skipped.length > 1 ? 's' : ''} did not run)` : '') + ': nothing to analyse.');
  }
  const patch = resolvePatchPcts(ran, options.patchPcts ?? zooPatchPcts);
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  for (const r of ran) {
    const key = `${r.dataset} ${r.height}x${r.width} ${r.model} ${r.stageName}`;
    const first = seen.get(key);
    if (first) warnings.push(`${r.model} ${r.stageName} on ${r.dataset} at ${r.height}x${r.width} is in ${first} and in ${r.source}: both are analysed.`);
    else seen.set(key, r.source);
  }
  // panels: the dataset, with the size only when that dataset comes at several sizes
  const sizes = new Map<string, Set<string>>();
  for (const r of ran) sizes.set(r.dataset, (sizes.get(r.dataset) ?? new Set()).add(`${r.height} × ${r.width}`));
  const panelOf = (r: SweepRow) => (sizes.get(r.dataset)!.size > 1 ? `${r.dataset} (${r.height} × ${r.width})` : r.dataset);
  // Stage # Norm within each model
  const span = new Map<string, [number, number]>();
  for (const r of ran) {
    const [lo, hi] = span.get(r.model) ?? [Infinity, -Infinity];
    span.set(r.model, [Math.min(lo, r.stageNumber), Math.max(hi, r.stageNumber)]);
  }
  const rows: AnalyzedSweepRow[] = ran.map((r, i) => {
    const [lo, hi] = span.get(r.model)!;
    return { ...r, testAccuracy: r.testAccuracy!, patchPct: patch[i]!, stageNorm: hi > lo ? (r.stageNumber - lo) / (hi - lo) : 0, paretoRank: 0, panel: panelOf(r) };
  });
  const panels = [...new Set(rows.map((r) => r.panel))];
  for (const p of panels) {
    const members = rows.filter((r) => r.panel === p);
    paretoRanks(members.map((r) => ({ accuracy: r.testAccuracy, patchPct: r.patchPct }))).forEach((rank, k) => (members[k]!.paretoRank = rank));
  }
  return { rows, skipped, panels, warnings };
}

/** Each row's patch %: the CSV's, else one resolver call per (model, input size) for all its stages. */
function resolvePatchPcts(rows: readonly SweepRow[], resolve: PatchPctResolver): number[] {
  const wanted = new Map<string, { model: string; height: number; width: number; rows: SweepRow[] }>();
  for (const r of rows) {
    if (r.patchPct !== null) continue;
    const key = `${r.model}\0${r.height}\0${r.width}`;
    const w = wanted.get(key) ?? { model: r.model, height: r.height, width: r.width, rows: [] };
    w.rows.push(r);
    wanted.set(key, w);
  }
  const computed = new Map<SweepRow, number>();
  for (const w of wanted.values()) {
    let pcts: Record<string, number>;
    try {
      pcts = resolve(w.model, w.height, w.width, w.rows.map((r) => r.stageName));
    } catch (e) {
      const at = w.rows.map((r) => r.source);
      throw new Error(`Cannot compute the Patch % of Image of ${w.model} at ${w.height}x${w.width} (${at.slice(0, 3).join(', ')}${at.length > 3 ? ', …' : ''}): ` +
        `${(e as Error).message}`);
    }
    for (const r of w.rows) computed.set(r, pcts[r.stageName]!);
  }
  return rows.map((r) => r.patchPct ?? computed.get(r)!);
}

/** One row as `--json` prints it: the analysed fields, or for a row that did not run its note and `paretoRank: null`. */
export interface SweepRowJson extends Omit<SweepRow, 'patchPct'> {
  patchPct: number | null;
  stageNorm: number | null;
  paretoRank: number | null;
  panel: string | null;
}

/** Every row (analysed, then those that did not run) as plain JSON objects. */
export function sweepRowsJson(a: SweepAnalysis): SweepRowJson[] {
  return [
    ...a.rows.map((r) => ({ ...r })),
    ...a.skipped.map((r) => ({ ...r, note: skipReason(r), stageNorm: null, paretoRank: null, panel: null })),
  ];
}

/** The Pareto front (rank 1) of a panel, by patch % ascending (then accuracy descending). */
export function paretoFront(a: SweepAnalysis, panel: string): AnalyzedSweepRow[] {
  return a.rows.filter((r) => r.panel === panel && r.paretoRank === 1).sort((p, q) => p.patchPct - q.patchPct || q.testAccuracy - p.testAccuracy);
}
