/**
 * The report's ROT figure, drawn when the report is made from the numbers `pixpnet evaluate` cached
 * (`results/rot/<key>.json`, found through `results/interpretability.yaml`) — never the `rot.svg` beside them, whose
 * text would go into the page as it is. Every file of the run is untrusted: a curve is drawn only for a registered
 * heat-map method (its legend label comes from the registry, not from the file), from a cache file inside
 * `results/rot/`, whose points must be finite numbers (% of pixels in [0, 100]; a similarity may be null, a point
 * never evaluated). Text that does reach the figure (the dataset and split of its title) is escaped by vega's SVG
 * renderer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { log } from '@pixpnet/engine';
import { heatmapMethod, heatmapMethodNames } from '../maps/registry.js';
import { rotPlotSpec, vegaLiteSvg } from '../rot/plot.js';
import type { RotCurve } from '../rot/plot.js';

/** The curves of a run's ROT figure and its title, read and checked by {@link readRunRotFigure}. */
export interface RunRotFigure {
  /** One curve per heat-map method, labelled by the method registry. */
  curves: RotCurve[];
  /** `Relevance ordering test — <dataset> <split>`, as `pixpnet evaluate` titles its figure. */
  title?: string;
}

/** The advice of every error about a damaged file (as for the run's other files). */
const FIX = 'restore it, or delete it to leave it out of the report.';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why the body of a ROT cache file cannot be drawn as the curve of `method`, or undefined when it can. */
function curveProblem(body: unknown, method: string): string | undefined {
  if (!isObject(body) || !isObject(body['result'])) return 'no result object';
  const r = body['result'];
  const params = r['params'];
  if (!isObject(params) || params['method'] !== method) return `it does not hold the ROT of the heat map ${method}`;
  const x = r['xPct'], y = r['agg'];
  if (!Array.isArray(x) || !x.length) return 'xPct is not a non-empty list';
  if (!Array.isArray(y) || y.length !== x.length) return `agg is not a list as long as xPct (${x.length})`;
  const i = x.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100);
  if (i >= 0) return `xPct[${i}] is not a % of pixels between 0 and 100`;
  const j = y.findIndex((v) => v !== null && (typeof v !== 'number' || !Number.isFinite(v)));
  if (j >= 0) return `agg[${j}] is neither a finite number nor null`;
  return undefined;
}

/**
 * The ROT figure's curves for the interpretability record `record` (the parsed `interpretability.yaml` of
 * `resultsDir`), or undefined when it has no ROT curve to draw. Reads only cache files inside `resultsDir/rot/`.
 * A method that is not a registered heat map, or whose cache file is gone, is left out with a warning naming the
 * file; a record or cache file that is not what `pixpnet evaluate` writes is an error naming the file and the fix.
 */
export function readRunRotFigure(resultsDir: string, record: unknown): RunRotFigure | undefined {
  const yamlFile = path.join(resultsDir, 'interpretability.yaml');
  const bad = (why: string) => new Error(`${yamlFile} is not an interpretability record (${why}): ${FIX}`);
  if (!isObject(record)) throw bad('not a mapping');
  const rot = record['rot'];
  if (rot === undefined || rot === null) return undefined;
  if (!isObject(rot)) throw bad('rot is not a mapping of heat-map methods');
  const rotDir = path.resolve(resultsDir, 'rot');
  const known = heatmapMethodNames();
  const curves: RotCurve[] = [];
  for (const [method, entry] of Object.entries(rot)) {
    const name = JSON.stringify(method);
    if (!known.includes(method)) {
      log.warning(`${yamlFile}: rot.${name} is not a known heat-map method (${known.join(', ')}): the report's ROT figure leaves it out.`);
      continue;
    }
    if (!isObject(entry)) throw bad(`rot.${method} is not a mapping`);
    const rel = entry['file'];
    if (rel === undefined) {
      log.warning(`${yamlFile}: rot.${method} names no curves file: the report's ROT figure leaves it out (pixpnet evaluate writes it again).`);
      continue;
    }
    const file = typeof rel === 'string' ? path.resolve(resultsDir, rel) : '';
    if (!file.startsWith(rotDir + path.sep) || path.extname(file) !== '.json') throw bad(`rot.${method}.file is not a .json file in ${rotDir}`);
    if (!fs.existsSync(file)) {
      log.warning(`${file}, the ROT curves of ${method}, is missing: the report's ROT figure leaves them out (pixpnet evaluate computes them again).`);
      continue;
    }
    let body: unknown;
    try {
      body = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`${file} is not a readable ROT result (${(e as Error).message.split('\n')[0]}): ${FIX}`);
    }
    const problem = curveProblem(body, method);
    if (problem) throw new Error(`${file} is not a readable ROT result (${problem}): ${FIX}`);
    const r = (body as { result: { xPct: number[]; agg: Array<number | null> } }).result;
    curves.push({ label: heatmapMethod(method).label, xPct: r.xPct, y: r.agg.map((v) => (v === null ? NaN : v)) });
  }
  if (!curves.length) return undefined;
  const p = record['parameters'];
  const dataset = isObject(p) ? p['dataset'] : undefined, split = isObject(p) ? p['split'] : undefined;
  return { curves, ...(typeof dataset === 'string' && typeof split === 'string' ? { title: `Relevance ordering test — ${dataset} ${split}` } : {}) };
}

/**
 * The figure as SVG text, drawn as `pixpnet evaluate` draws `rot.svg` (the same specification and scale):
 * `rfPct` is the mean receptive field of the run's model (`meanRfPct(model)`), not a number read from a file.
 */
export async function runRotFigureSvg(figure: RunRotFigure, rfPct: number): Promise<string> {
  if (!Number.isFinite(rfPct) || rfPct < 0 || rfPct > 100) throw new Error(`The mean receptive field must be a % between 0 and 100, got ${rfPct}.`);
  return vegaLiteSvg(rotPlotSpec(figure.curves, rfPct, figure.title), 2);
}
