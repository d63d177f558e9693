/**
 * `pixpnet sweep analyze CSV… --out DIR`: the accuracy ↔ receptive-field trade-off of a Goldilocks sweep — every
 * (backbone, cut stage) row with its mean receptive field as % of the image and its Pareto rank, the scatter and
 * the Pareto-front figures (SVG and PNG), and the front as Markdown and LaTeX tables.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { log, writeAtomic } from '@pixpnet/engine';
import {
  analyzeSweep, FRONT_TABLE_HEADER, frontTableRows, paretoFrontLatex, paretoFrontMarkdown, readSweepCsv, renderSweepPlots, skipReason, sweepRowsJson,
} from '@pixpnet/eval';
import type { SweepAnalysis, SweepCsv } from '@pixpnet/eval';
import { checkOutDir } from '../out_dir.js';
import { formatTable } from '../table.js';

/** Options of the subcommand. */
export interface SweepAnalyzeOptions {
  out?: string;
  json?: boolean;
}

/** The files `analyze` writes in `--out`. */
export const SWEEP_ANALYZE_FILES = [
  'sweep_scatter.svg', 'sweep_scatter.png', 'sweep_pareto.svg', 'sweep_pareto.png', 'pareto_front.md', 'pareto_front.tex', 'sweep_rows.json',
] as const;

/** Reads every CSV first: a missing file, an empty CSV or a CSV of another format stops before any work. */
export function readSweepCsvs(files: readonly string[]): SweepCsv[] {
  return files.map((f) => {
    if (!fs.existsSync(f) || !fs.statSync(f).isFile()) throw new Error(`No such file: ${f}. Give the CSVs written by pixpnet sweep.`);
    return readSweepCsv(fs.readFileSync(f, 'utf8'), f);
  });
}

/** The front of each panel as a terminal table. */
export function formatFrontSummary(a: SweepAnalysis): string {
  return frontTableRows(a).map(({ panel, rows }) => {
    const n = a.rows.filter((r) => r.panel === panel).length;
    return `Pareto front of ${panel} (${rows.length} of ${n} rows):\n\n` +
      formatTable([[...FRONT_TABLE_HEADER], ...rows.map((r) => [r.model, r.stage, r.patchPct, r.top1, r.top5])], new Set([2, 3, 4]));
  }).join('\n\n');
}

/** Runs the analysis: reads, analyses, and writes the figures, tables and rows (with `out`) or prints the rows (`json`). */
export async function sweepAnalyze(files: readonly string[], opts: SweepAnalyzeOptions): Promise<SweepAnalysis> {
  if (!opts.out && !opts.json) throw new Error('pixpnet sweep analyze needs --out DIR (where the figures and tables go), or --json to print the rows.');
  const out = opts.out ? checkOutDir(opts.out, '--out') : undefined;
  const a = analyzeSweep(readSweepCsvs(files));
  const shown = a.skipped.slice(0, 10);
  for (const r of shown) log.warning(`${r.source}: ${r.model} ${r.stageName} on ${r.dataset} did not run (${skipReason(r)}): left out of the analysis`);
  if (a.skipped.length > shown.length) log.warning(`… and ${a.skipped.length - shown.length} more rows that did not run (all in sweep_rows.json / --json)`);
  for (const w of a.warnings) log.warning(w);
  if (out) {
    const { scatter, pareto } = await renderSweepPlots(a);
    writeAtomic(path.join(out, 'sweep_scatter.svg'), scatter.svg);
    writeAtomic(path.join(out, 'sweep_scatter.png'), scatter.png);
    writeAtomic(path.join(out, 'sweep_pareto.svg'), pareto.svg);
    writeAtomic(path.join(out, 'sweep_pareto.png'), pareto.png);
    writeAtomic(path.join(out, 'pareto_front.md'), paretoFrontMarkdown(a));
    writeAtomic(path.join(out, 'pareto_front.tex'), paretoFrontLatex(a));
    writeAtomic(path.join(out, 'sweep_rows.json'), JSON.stringify(sweepRowsJson(a), null, 1) + '\n');
    log.info(`Analysed ${a.rows.length} rows of ${files.length} CSV${files.length > 1 ? 's' : ''}: ${SWEEP_ANALYZE_FILES.join(', ')} in ${out}`);
  }
  process.stdout.write(opts.json ? JSON.stringify(sweepRowsJson(a)) + '\n' : formatFrontSummary(a) + '\n');
  return a;
}

/** Adds `analyze` to the `sweep` command. */
export function registerSweepAnalyze(sweep: Command): void {
  sweep
    .command('analyze')
    .description('accuracy against receptive field size of sweep CSVs: every row\'s patch % and Pareto rank, the scatter and Pareto-front figures, the front as Markdown and LaTeX tables')
    .argument('<csv...>', "sweep CSVs: pixpnet sweep's, or the reference implementation's hackjob results (patch % is then computed from the zoo)")
    .option('--out <dir>', 'write sweep_scatter.{svg,png}, sweep_pareto.{svg,png}, pareto_front.{md,tex} and sweep_rows.json here (required unless --json; a symbolic link to a folder writes into that folder)')
    .option('--json', 'print every row with its patchPct and paretoRank as JSON instead of the front table')
    .action(async (files: string[], opts: SweepAnalyzeOptions) => {
      await sweepAnalyze(files, opts);
    });
}
