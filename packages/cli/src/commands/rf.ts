/** `pixpnet rf`: exact receptive fields of a zoo model or of a Keras/tfjs model.json. */
import fs from 'node:fs';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { computeReceptiveFields, importKerasTopology, zooModel } from '@pixpnet/symbolic';
import type { Graph, RfReport } from '@pixpnet/symbolic';
import { log } from '@pixpnet/engine';
import { formatTable } from '../table.js';

/** Options of the command. */
export interface RfCommandOptions {
  size: number;
  width?: number;
  layer?: string[];
  insertAt?: string;
  json?: boolean;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of pixels ≥ 1, got '${value}'`);
  return n;
}

/** A zoo name, or a path to a Keras `to_json()` / tfjs `model.json` topology. */
export function loadGraph(model: string, height: number, width: number): Graph {
  const looksLikeFile = model.endsWith('.json') || model.includes('/') || model.includes('\\');
  if (!looksLikeFile) return zooModel(model);
  if (!fs.existsSync(model)) throw new Error(`No such file: ${model}. Give a zoo model name or the path of a Keras/tfjs model.json.`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(model, 'utf8'));
  } catch (e) {
    throw new Error(`${model} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json === 'string') log.info(`${model} holds the JSON string of model.to_json() (written with json.dump): decoded it`);
  return importKerasTopology(json, { height, width, name: model.replace(/^.*[\\/]/, '').replace(/\.json$/, '') });
}

/** The analysis in the reference fixture format, each layer adding Araujo's values and the mean area. */
export function toFixtureJson(r: RfReport): unknown {
  const layers: Record<string, unknown> = {};
  for (const [name, l] of Object.entries(r.layers)) {
    layers[name] = {
      grid: l.grid, rows: l.rows, cols: l.cols, product: l.product, channelsDiffer: l.channelsDiffer,
      rf: l.rf, stride: l.stride, padding: l.padding, meanAreaPct: l.meanAreaPct,
      ...(l.holes ? { holes: true } : {}), ...(l.exact ? { exact: l.exact } : {}),
    };
  }
  return { model: r.model, height: r.height, width: r.width, ...(r.insertAt ? { insertAt: r.insertAt } : {}), layers, elapsedMs: r.elapsedMs };
}

const pairText = ([h, w]: [number, number]) => (h === w ? String(h) : `${h}x${w}`);
const span = ([a, b]: [number, number]) => `[${a},${b})`;

/** The analysis as a readable table. */
export function formatRf(r: RfReport): string {
  const rows = [['layer', 'grid', 'rf', 'stride', 'padding', 'mean %', 'min %', 'max %', 'first / middle / last row field', 'notes']];
  for (const [name, l] of Object.entries(r.layers)) {
    const mid = l.rows[Math.floor(l.rows.length / 2)]!;
    const notes = [!l.product && 'not rows×cols (exact sets in --json)', l.holes && 'holes (dilation)', l.channelsDiffer && 'channels differ (union shown)']
      .filter(Boolean).join('; ');
    rows.push([name, `${l.grid[0]}x${l.grid[1]}`, pairText(l.rf), pairText(l.stride), pairText(l.padding), l.meanAreaPct.toFixed(2),
      l.minAreaPct.toFixed(2), l.maxAreaPct.toFixed(2), `${span(l.rows[0]!)} ${span(mid)} ${span(l.rows[l.rows.length - 1]!)}`, notes]);
  }
  const what = r.insertAt ? `units of ${r.insertAt}` : 'pixels';
  return `${r.model} at ${r.height}x${r.width}: exact receptive fields in ${what} (${r.elapsedMs.toFixed(1)} ms)\n\n` +
    formatTable(rows, new Set([2, 3, 4, 5, 6, 7]));
}

/** Adds the command to the program. */
export function registerRf(program: Command): void {
  program
    .command('rf')
    .description('exact receptive fields of a zoo model or a Keras/tfjs model.json')
    .argument('<model>', 'zoo model name (e.g. vgg16) or path to a Keras/tfjs model.json')
    .addOption(new Option('--size <H>', 'input height in pixels').argParser(positive).makeOptionMandatory())
    .addOption(new Option('--width <W>', 'input width in pixels (default: the height)').argParser(positive))
    .addOption(new Option('--layer <L...>', 'layers to report (default: every named layer)'))
    .addOption(new Option('--insert-at <L>', 'report fields in units of layer L instead of pixels'))
    .option('--json', 'print the reference-fixture JSON format')
    .action((model: string, opts: RfCommandOptions) => {
      const width = opts.width ?? opts.size;
      const graph = loadGraph(model, opts.size, width);
      const report = computeReceptiveFields(graph, {
        height: opts.size, width, ...(opts.layer ? { layers: opts.layer } : {}), ...(opts.insertAt ? { insertAt: opts.insertAt } : {}),
      });
      process.stdout.write((opts.json ? JSON.stringify(toFixtureJson(report)) : formatRf(report)) + '\n');
    });
}
