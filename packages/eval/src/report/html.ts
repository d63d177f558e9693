/**
 * A run's report as one self-contained HTML page: it opens from disk (file://) with no server and no network —
 * charts are inline SVG rendered in Node, images are files beside it, there is no script. Everything read from the
 * run directory is untrusted: every string is escaped, the figures are drawn from numbers (never a file's markup),
 * and the page's Content-Security-Policy ({@link REPORT_CSP}) forbids scripts and any request but its own images.
 */
import { partsCaption } from '../explain/gallery.js';
import type { GalleryEntry } from '../explain/gallery.js';
import { escapeMarkup } from '../explain/markup.js';
import type { PanelRecord } from '../explain/run.js';

/** What the report shows. */
export interface ReportInput {
  title: string;
  runDir: string;
  /** The flat configuration (dashed keys). */
  config: Record<string, unknown>;
  scores?: Record<string, number>;
  modelInfo?: Record<string, unknown>;
  /** Training curves, inline SVG drawn from the numbers (`trainingCurvesSvg`), never a file's text. */
  curvesSvg?: string;
  /** The prototype gallery: its PNG (relative path) and data. */
  gallery?: { image: string; entries: readonly GalleryEntry[]; classNames: readonly string[] };
  /** Explanation panels (relative paths) and their numbers. */
  explanations: ReadonlyArray<{ image: string; record: PanelRecord }>;
  /**
   * `results/interpretability.yaml`, when `pixpnet evaluate` has run, and its ROT figure as inline SVG drawn from the
   * cached curves (`runRotFigureSvg`), never the text of the run's `rot.svg`.
   */
  interpretability?: { record: Record<string, unknown>; rotSvg?: string };
}

/**
 * The report's Content-Security-Policy: no script of any kind (`script-src` falls back to `'none'`, which also stops
 * inline event handlers), images only from beside the page or inline, inline styles, and nothing else — no
 * fetch, font, frame, form target or `<base>`.
 */
export const REPORT_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const esc = escapeMarkup;
const num = (v: unknown, d = 3) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(d)) : v === null || v === undefined ? 'n/a' : esc(v));

function table(caption: string, head: string[], rows: unknown[][], attrs: (r: number) => string = () => ''): string {
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r, i) => `<tr${attrs(i)}>${r.map((c, k) => (k === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${num(c)}</td>`)).join('')}</tr>`).join('') + '</tbody></table>';
}

function interpretabilitySection(rec: Record<string, unknown>, rotSvg?: string): string {
  const out: string[] = ['<section aria-labelledby="interp"><h2 id="interp">Interpretability</h2>'];
  const collapsed = Array.isArray(rec['collapsed']) ? (rec['collapsed'] as unknown[]).map(String) : [];
  if (collapsed.length) {
    out.push(`<p class="warning" role="alert"><strong>Collapsed model:</strong> ${esc(collapsed.join('; '))}. Its prototypes do not depend on the image, ` +
      'so the figures below mean nothing (perfect stability included): look at the training (its learning rate, its losses) before reading them.</p>');
  }
  type Scores = Record<string, { soft: number; hard: number }>;
  const cons = rec['consistency'] as Scores | undefined, stab = rec['stability'] as Scores | undefined;
  const pc = rec['partCorrectness'] as Record<string, { score: number }> | undefined;
  if (cons || stab || pc) {
    const methods = [...new Set([cons, stab, pc].flatMap((x) => Object.keys(x ?? {})))];
    const k = (rec['parameters'] as Record<string, unknown> | undefined)?.['partTopK'];
    out.push(table(`${pc ? 'Consistency, stability and part-correctness' : 'Consistency and stability'} of the prototype boxes${collapsed.length ? ' (collapsed model: not meaningful)' : ''}`,
      ['box method', 'consistency soft', 'consistency hard', 'stability soft', 'stability hard', ...(pc ? [`part-correctness${typeof k === 'number' ? ` (top ${k})` : ''}`] : [])],
      methods.map((m) => [m, cons?.[m]?.soft, cons?.[m]?.hard, stab?.[m]?.soft, stab?.[m]?.hard, ...(pc ? [pc[m]?.score] : [])])));
    if (pc) {
      out.push(`<p>Part-correctness: for each prototype, its ${typeof k === 'number' ? k : 'top'} test images of highest similarity (of any class), and the share of them on which its box holds ` +
        'a part that defines its class; averaged over the prototypes.</p>');
    }
  }
  const rot = rec['rot'] as Record<string, { area?: unknown; pctAtOrigSim?: unknown; forwards?: unknown } | null> | undefined;
  if (rot) {
    out.push(table(`Relevance ordering test${collapsed.length ? ' (collapsed model: not meaningful)' : ''}`, ['heat map', 'area', '% pixels to reach the original similarity', 'forwards'],
      Object.entries(rot).map(([m, v]) => [m, v?.area, v?.pctAtOrigSim, v?.forwards])));
  }
  if (rotSvg) out.push(`<figure class="chart" role="group" aria-label="Relevance ordering test curves">${rotSvg}<figcaption>Mean prototype similarity as pixels are added back in each heat map's order; the dashed line is the layer's mean receptive field.</figcaption></figure>`);
  const skipped = rec['skipped'] as Record<string, string> | undefined;
  for (const [m, why] of Object.entries(skipped ?? {})) out.push(`<p>${esc(m)}: not computed (${esc(why)}).</p>`);
  out.push('</section>');
  return out.join('\n');
}

/** The page. */
export function reportHtml(r: ReportInput): string {
  const c = r.config;
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(r.title)}</title><style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1500px;padding:1rem 2rem;color:#1b1b1b;line-height:1.45}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}td{font-variant-numeric:tabular-nums}
img{max-width:100%;height:auto;border:1px solid #ddd}figure{margin:1rem 0 2rem}figcaption{color:#444;font-size:.9rem}
.chart svg{max-width:100%;height:auto}.warning{background:#fff3cd;border:1px solid #c69500;padding:.6rem .9rem}details{margin:1rem 0}nav a{margin-right:1rem}
</style></head><body><header><h1>${esc(r.title)}</h1><p>Run directory <code>${esc(r.runDir)}</code>: ${esc(c['model.feature-extractor'])} cut at
${esc(c['model.feature-layer'])}, ${esc(c['model.num-prototypes'])} prototypes, dataset ${esc(c['dataset.name'])}.</p>
<nav aria-label="Sections"><a href="#results">Results</a><a href="#curves">Training</a><a href="#prototypes">Prototypes</a><a href="#explanations">Explanations</a>${r.interpretability ? '<a href="#interp">Interpretability</a>' : ''}<a href="#config">Configuration</a></nav></header><main>`);
  parts.push('<section aria-labelledby="results"><h2 id="results">Results</h2>');
  if (r.scores) parts.push(table('Test scores', ['metric', 'value'], Object.entries(r.scores).map(([k, v]) => [k, v])));
  if (r.modelInfo) parts.push(table('Model', ['property', 'value'], Object.entries(r.modelInfo).map(([k, v]) => [k, v])));
  parts.push('</section>');
  if (r.curvesSvg) parts.push(`<section aria-labelledby="curves"><h2 id="curves">Training curves</h2><figure class="chart" role="group" aria-label="Loss and accuracy per step">${r.curvesSvg}<figcaption>Loss and accuracy per training step (lines), validation and test (points), from <code>metrics.csv</code>.</figcaption></figure></section>`);
  if (r.gallery) {
    const g = r.gallery;
    parts.push(`<section aria-labelledby="prototypes"><h2 id="prototypes">Prototypes</h2><figure><img src="${esc(g.image)}" alt="Gallery of the ${g.entries.length} prototypes: for each, its source training image with the exact receptive field of its patch in red, and the patch"><figcaption>Each prototype's source training image (red: the exact receptive field of the latent patch it was projected onto) and the patch.</figcaption></figure>`);
    const judged = g.entries.filter((e) => e.definingPart !== null), inParts = g.entries.filter((e) => e.parts !== null);
    if (inParts.length) {
      const background = inParts.filter((e) => !e.parts!.length).length;
      parts.push(`<p>${judged.length ? `${judged.filter((e) => e.definingPart).length} of ${judged.length} prototypes hold a part that defines their class in their receptive field; ` : ''}` +
        `${background} of ${inParts.length} hold no part (background).</p>`);
    }
    parts.push(table(`The ${g.entries.length} prototypes`, ['prototype', 'class', 'source sample', 'receptive field [x1, y1, x2, y2]', 'parts in the receptive field', 'defines the class'],
      g.entries.map((e) => [e.prototype, e.class === null ? 'n/a' : g.classNames[e.class] ?? e.class, e.sample, e.box ? `[${e.box.join(', ')}]` : 'no sample', e.parts ? partsCaption(e) : 'n/a', e.definingPart === null ? 'n/a' : e.definingPart ? 'yes' : 'no']),
      (i) => ` data-prototype="${g.entries[i]!.prototype}"`));
    parts.push('</section>');
  }
  parts.push('<section aria-labelledby="explanations"><h2 id="explanations">Explanations</h2>');
  for (const { image, record: e } of r.explanations) {
    parts.push(`<figure><img src="${esc(image)}" alt="Explanation of ${esc(e.image)}: predicted ${esc(e.predicted.name)}${e.actual ? `, actually ${esc(e.actual.name)}` : ''}; top prototypes ${e.prototypes.map((p) => p.prototype).join(', ')}">` +
      `<figcaption>${esc(e.image)}: predicted <strong>${esc(e.predicted.name)}</strong>${e.actual ? ` (actual ${esc(e.actual.name)})` : ''}. Rows: the top prototypes by ${esc(e.sort)}, their exact receptive field in the image, the ${esc(e.heatmap)} heat map and the contribution.</figcaption></figure>`);
  }
  parts.push('</section>');
  if (r.interpretability) parts.push(interpretabilitySection(r.interpretability.record, r.interpretability.rotSvg));
  parts.push(`<section aria-labelledby="config"><h2 id="config">Configuration</h2><details><summary>Every option of the run</summary>${table('Configuration', ['option', 'value'], Object.entries(c).map(([k, v]) => [k, Array.isArray(v) ? v.join(' ') : v]))}</details></section>`);
  parts.push('</main></body></html>\n');
  return parts.join('\n');
}
