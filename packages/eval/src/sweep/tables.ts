/** The Pareto front as tables: Markdown, LaTeX (booktabs), and the rows behind both. */
import { paretoFront } from './analyze.js';
import type { SweepAnalysis } from './analyze.js';

/** One row of a front table, formatted. */
export interface FrontTableRow {
  model: string;
  stage: string;
  /** Patch % to 3 significant digits. */
  patchPct: string;
  /** Accuracies as fractions to 3 decimals; `–` when missing. */
  top1: string;
  top5: string;
}

/** The header of the front tables. */
export const FRONT_TABLE_HEADER = ['Model', 'Stage', 'Patch % of Image', 'Top-1', 'Top-5'] as const;

/** A percentage to 3 significant digits, without exponent or trailing zeros: 0.0179, 14.2, 100. */
export function formatPct(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/** The front of each panel, by patch % ascending, formatted. */
export function frontTableRows(a: SweepAnalysis): Array<{ panel: string; rows: FrontTableRow[] }> {
  return a.panels.map((panel) => ({
    panel,
    rows: paretoFront(a, panel).map((r) => ({
      model: r.model, stage: r.stageName, patchPct: formatPct(r.patchPct), top1: r.testAccuracy.toFixed(3), top5: r.testAccuracyTop5 === null ? '–' : r.testAccuracyTop5.toFixed(3),
    })),
  }));
}

const sizeOf = (a: SweepAnalysis, panel: string) => {
  const r = a.rows.find((x) => x.panel === panel)!;
  return panel.includes('×') ? panel : `${panel}, ${r.height} × ${r.width}`;
};

/** The front of each panel as Markdown: a heading per panel and a table (model, stage, patch %, top-1, top-5). */
export function paretoFrontMarkdown(a: SweepAnalysis): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const parts = ['# Pareto front', '',
    'Rows that no other row dominates (no row has a test accuracy at least as high and a mean receptive field — ' +
    'Patch % of Image — at most as large, and is better on one of them), by patch %. Accuracies are fractions.', ''];
  for (const { panel, rows } of frontTableRows(a)) {
    parts.push(`## ${esc(sizeOf(a, panel))}`, '', `| ${FRONT_TABLE_HEADER.join(' | ')} |`, '|---|---|--:|--:|--:|');
    for (const r of rows) parts.push(`| ${esc(r.model)} | ${esc(r.stage)} | ${r.patchPct} | ${r.top1} | ${r.top5} |`);
    parts.push('');
  }
  return parts.join('\n');
}

/** Escapes LaTeX's special characters in text. */
export function latexEscape(s: string): string {
  return s
    .replace(/[\\{}&%$#_^~]/g, (c) => ({ '\\': '\\textbackslash{}', '^': '\\textasciicircum{}', '~': '\\textasciitilde{}' })[c] ?? `\\${c}`)
    .replace(/×/g, () => '$\\times$').replace(/–/g, '--');
}

/** The front of each panel as a LaTeX `table` (booktabs: `\usepackage{booktabs}`). */
export function paretoFrontLatex(a: SweepAnalysis): string {
  const parts: string[] = [];
  for (const { panel, rows } of frontTableRows(a)) {
    parts.push('\\begin{table}[t]', '\\centering', '\\begin{tabular}{llrrr}', '\\toprule',
      'Model & Stage & Patch \\% of Image & Top-1 & Top-5 \\\\', '\\midrule',
      ...rows.map((r) => `${latexEscape(r.model)} & ${latexEscape(r.stage)} & ${r.patchPct} & ${r.top1} & ${latexEscape(r.top5)} \\\\`),
      '\\bottomrule', '\\end{tabular}',
      `\\caption{Pareto front of test accuracy against mean receptive field size (${latexEscape(sizeOf(a, panel))}).}`,
      '\\end{table}', '');
  }
  return parts.join('\n');
}
