/**
 * An experiment's report as one self-contained HTML page (the same policy as a run's report: no script, no request
 * but its own images): the summary (mean ± sd per config), the figure drawn from the numbers, and every run's row.
 */
import { escapeMarkup as esc } from '../explain/markup.js';
import { REPORT_CSP } from '../report/html.js';
import { EXPERIMENT_COLUMNS, formatMeanSd } from './summary.js';
import type { ExperimentRun, ExperimentSummary } from './summary.js';

/** What the page shows. */
export interface ExperimentReportInput {
  name: string;
  /** The experiment's folder. */
  dir: string;
  summary: readonly ExperimentSummary[];
  runs: readonly ExperimentRun[];
  /** The figure, inline SVG (drawn from the summary). */
  figureSvg?: string;
}

const n3 = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : 'n/a');

/** The page. */
export function experimentReportHtml(r: ExperimentReportInput): string {
  const head = ['config', 'mapping', 'seeds', ...EXPERIMENT_COLUMNS];
  const summaryRows = r.summary.map((s) => `<tr><th scope="row">${esc(s.config)}</th><td>${esc(s.mapping)}</td><td>${s.seeds.length}</td>` +
    EXPERIMENT_COLUMNS.map((c) => `<td>${esc(formatMeanSd(s.stats[c] ?? { mean: null, sd: null }))}</td>`).join('') + '</tr>').join('');
  const runRows = [...r.runs].sort((a, b) => (a.config < b.config ? -1 : a.config > b.config ? 1 : a.seed - b.seed))
    .map((x) => `<tr><th scope="row">${esc(x.config)}</th><td>${esc(x.mapping)}</td><td>${x.seed}</td>${EXPERIMENT_COLUMNS.map((c) => `<td>${n3(x.values[c])}</td>`).join('')}<td><code>${esc(x.runDir)}</code></td></tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Experiment ${esc(r.name)}</title><style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1600px;padding:1rem 2rem;color:#1b1b1b;line-height:1.45}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.85rem}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;white-space:nowrap}td{font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}figure{margin:1rem 0 2rem}figcaption{color:#444;font-size:.9rem}.chart svg{max-width:100%;height:auto}
</style></head><body><header><h1>Experiment ${esc(r.name)}</h1><p>Folder <code>${esc(r.dir)}</code>: ${r.summary.length} configs, ${r.runs.length} runs.
Every figure is a fraction (not a percentage); a box figure without a suffix is the config's own mapping of a prototype to pixels (<code>bbox</code>: the exact receptive field of the best cell; <code>upsample</code>: ProtoPNet's upsampled cell), the suffixed ones score both mappings.</p></header><main>
<section aria-labelledby="summary"><h2 id="summary">Mean ± standard deviation over the seeds</h2><div class="scroll"><table><caption>summary.csv</caption><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${summaryRows}</tbody></table></div></section>
${r.figureSvg ? `<section aria-labelledby="figure"><h2 id="figure">Figure</h2><figure class="chart" role="group" aria-label="Each figure's mean over the seeds, per config, with one standard deviation">${r.figureSvg}<figcaption>Bars: the mean over the seeds; error bars: ± one standard deviation.</figcaption></figure></section>` : ''}
<section aria-labelledby="runs"><h2 id="runs">Every run</h2><div class="scroll"><table><caption>runs.csv</caption><thead><tr>${['config', 'mapping', 'seed', ...EXPERIMENT_COLUMNS, 'run directory'].map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${runRows}</tbody></table></div></section>
</main></body></html>
`;
}
