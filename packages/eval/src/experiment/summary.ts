/**
 * An experiment's tables: one row per (config, seed) — test accuracy and the interpretability figures of its run —
 * and one row per config with each figure's mean and standard deviation over the seeds. Plain data in, plain data
 * and CSV text out.
 */
import { stringify } from 'csv-stringify/sync';

/** The two ways of mapping a prototype to pixels that every run is scored with. */
export const EXPERIMENT_MAPPINGS = ['bbox', 'upsample'] as const;
/** The ROT heat maps an experiment reports. */
export const EXPERIMENT_ROT_METHODS = ['rf', 'upsample', 'prp', 'random'] as const;

/** The figures of one scored mapping (fractions in [0, 1]). */
const MAPPING_FIGURES = ['consistency_soft', 'consistency_hard', 'stability_soft', 'stability_hard', 'part_correctness'] as const;

/**
 * The numeric columns of `runs.csv`, in order: accuracy, the five figures of the config's own mapping, the same for
 * each mapping by name (`consistency_soft_bbox`, …), then each ROT method's area and the fraction of pixels it needs to
 * restore the original similarity (`rot_area_rf`, `rot_pct_rf`, …). Every value is a fraction, not a percentage.
 */
export const EXPERIMENT_COLUMNS: readonly string[] = [
  'accuracy', ...MAPPING_FIGURES,
  ...EXPERIMENT_MAPPINGS.flatMap((m) => MAPPING_FIGURES.map((f) => `${f}_${m}`)),
  ...EXPERIMENT_ROT_METHODS.flatMap((m) => [`rot_area_${m}`, `rot_pct_${m}`]),
];

/** One run of an experiment: a config trained with one seed, and its figures (null: not computed). */
export interface ExperimentRun {
  config: string;
  seed: number;
  /** The config's own mapping (`bbox` for PixPNet, `upsample` for ProtoPNet). */
  mapping: string;
  runDir: string;
  values: Record<string, number | null>;
}

/** One config's figures over its seeds. */
export interface ExperimentSummary {
  config: string;
  mapping: string;
  seeds: number[];
  /** `<column>` → mean and sample standard deviation (n − 1; null with one seed) of the seeds that have it. */
  stats: Record<string, { mean: number | null; sd: number | null; n: number }>;
}

/** Mean and sample standard deviation of the finite values. */
export function meanSd(values: ReadonlyArray<number | null | undefined>): { mean: number | null; sd: number | null; n: number } {
  const v = values.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (!v.length) return { mean: null, sd: null, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length < 2) return { mean, sd: null, n: 1 };
  return { mean, sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)), n: v.length };
}

/** The summary of each config, in the order the configs first appear. */
export function summarizeExperiment(runs: readonly ExperimentRun[]): ExperimentSummary[] {
  const configs = [...new Set(runs.map((r) => r.config))];
  return configs.map((config) => {
    const mine = runs.filter((r) => r.config === config).sort((a, b) => a.seed - b.seed);
    return {
      config, mapping: mine[0]!.mapping, seeds: mine.map((r) => r.seed),
      stats: Object.fromEntries(EXPERIMENT_COLUMNS.map((c) => [c, meanSd(mine.map((r) => r.values[c]))])),
    };
  });
}

const cell = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(6)) : '');

/** `runs.csv`: `config, seed, mapping`, every {@link EXPERIMENT_COLUMNS} column, `run_dir`. */
export function runsCsv(runs: readonly ExperimentRun[]): string {
  const sorted = [...runs].sort((a, b) => (a.config < b.config ? -1 : a.config > b.config ? 1 : a.seed - b.seed));
  return stringify(sorted.map((r) => [r.config, r.seed, r.mapping, ...EXPERIMENT_COLUMNS.map((c) => cell(r.values[c])), r.runDir]),
    { header: true, columns: ['config', 'seed', 'mapping', ...EXPERIMENT_COLUMNS, 'run_dir'] });
}

/** `summary.csv`: `config, seeds, mapping`, then `<column>_mean` and `<column>_sd` of every column. */
export function summaryCsv(summary: readonly ExperimentSummary[]): string {
  return stringify(summary.map((s) => [s.config, s.seeds.length, s.mapping, ...EXPERIMENT_COLUMNS.flatMap((c) => [cell(s.stats[c]!.mean), cell(s.stats[c]!.sd)])]),
    { header: true, columns: ['config', 'seeds', 'mapping', ...EXPERIMENT_COLUMNS.flatMap((c) => [`${c}_mean`, `${c}_sd`])] });
}

/** `0.912 ± 0.013` (or the mean alone with one seed, `n/a` without any). */
export function formatMeanSd(s: { mean: number | null; sd: number | null }, digits = 3): string {
  if (s.mean === null) return 'n/a';
  return s.sd === null ? s.mean.toFixed(digits) : `${s.mean.toFixed(digits)} ± ${s.sd.toFixed(digits)}`;
}
