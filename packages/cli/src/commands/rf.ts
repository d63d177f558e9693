/**
 * `pixpnet rf`: exact receptive fields of a zoo model, of a Keras/tfjs model.json (at its own input size unless
 * told otherwise), or of the backbone of a `pixpnet export` model.json up to its cut.
 */
import fs from 'node:fs';
import { Option } from 'commander';
import type { Command } from 'commander';
import { computeReceptiveFields, importKerasTopology, MAX_SIDE, zooModel } from '@pixpnet/symbolic';
import type { Graph, RfReport } from '@pixpnet/symbolic';
import { log } from '@pixpnet/engine';
import { formatTable } from '../table.js';
import { wholeArg } from '../options.js';

/** Options of the command. */
export interface RfCommandOptions {
  size?: number;
  width?: number;
  layer?: string[];
  insertAt?: string;
  json?: boolean;
}

/** What to analyse: the graph, its input size and, for a PixPNet export, the layers up to its cut. */
export interface RfTarget {
  graph: Graph;
  height: number;
  width: number;
  /** The layers to report when the user names none. */
  layers?: string[];
}

/** A zoo name, or a path to a Keras `to_json()` / tfjs `model.json` topology, or a `pixpnet export` model.json. */
export function loadGraph(model: string, size: { height?: number; width?: number } = {}): RfTarget {
  const looksLikeFile = model.endsWith('.json') || model.includes('/') || model.includes('\\');
  if (!looksLikeFile) {
    const graph = zooModel(model);
    if (size.height === undefined) throw new Error(`--size is required for zoo models: ${model} takes any input size (e.g. --size 224).`);
    return { graph, height: size.height, width: size.width ?? size.height };
  }
  if (!fs.existsSync(model)) throw new Error(`No such file: ${model}. Give a zoo model name or the path of a Keras/tfjs model.json.`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(model, 'utf8'));
  } catch (e) {
    throw new Error(`${model} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json === 'string') log.info(`${model} holds the JSON string of model.to_json() (written with json.dump): decoded it`);
  if (json !== null && typeof json === 'object' && (json as Record<string, unknown>)['format'] === 'pixpnet-protonet') return exportedModel(model, json as Record<string, unknown>, size);
  const graph = importKerasTopology(json, {
    ...(size.height !== undefined ? { height: size.height } : {}), ...(size.width !== undefined ? { width: size.width } : {}),
    name: model.replace(/^.*[\\/]/, '').replace(/\.json$/, ''), onWarning: (w) => log.warning(w),
  });
  const [height, width] = graph.inputSize!;
  return { graph, height, width };
}

/**
 * A `pixpnet export` model.json (`format: 'pixpnet-protonet'`): not a Keras model, but it names its zoo backbone,
 * its cut and its input size — so its backbone is analysed up to the cut, at the export's input size.
 */
function exportedModel(file: string, json: Record<string, unknown>, size: { height?: number; width?: number }): RfTarget {
  const c = json['config'] as Record<string, unknown> | undefined;
  const backbone = c?.['backbone'], cut = c?.['featureLayer'], input = c?.['inputSize'];
  const whole = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_SIDE;
  if (typeof backbone !== 'string' || typeof cut !== 'string' || !Array.isArray(input) || input.length !== 2 || !input.every(whole)) {
    throw new Error(`${file} is a PixPNet ProtoNet export (format pixpnet-protonet) but its config lacks backbone, featureLayer or inputSize [height, width]: export the run again.`);
  }
  const graph = zooModel(backbone);
  const names = graph.stages.map(([n]) => n);
  const end = names.indexOf(cut);
  if (end < 0) throw new Error(`${file}: its cut layer '${cut}' is not a layer of ${backbone}. Its layers are: ${names.join(', ')}.`);
  const [h0, w0] = input as [number, number];
  const height = size.height ?? h0, width = size.width ?? (size.height === undefined ? w0 : size.height);
  if (height !== h0 || width !== w0) log.warning(`${file} was exported for ${h0}x${w0} input; analysing it at ${height}x${width} as asked.`);
  log.info(`${file} is a PixPNet ProtoNet export: analysing its backbone ${backbone} up to its cut ${cut} at ${height}x${width}`);
  return { graph, height, width, layers: names.slice(0, end + 1) };
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

/** A value to 3 decimals at most: decoders give fractional strides (3 outputs per 2 pixels: 0.667). */
const num = (v: number) => String(Number.isInteger(v) ? v : Number(v.toFixed(3)));
const pairText = ([h, w]: [number, number]) => (h === w ? num(h) : `${num(h)}x${num(w)}`);
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
    .addOption(new Option('--size <H>', "input height in pixels (default: the model's own; required for zoo models and models whose input size is free)").argParser(wholeArg('--size', 1, MAX_SIDE)))
    .addOption(new Option('--width <W>', "input width in pixels (default: the model's own width, else the height)").argParser(wholeArg('--width', 1, MAX_SIDE)))
    .addOption(new Option('--layer <L...>', 'layers to report (default: every named layer; for a pixpnet export, those up to its cut)'))
    .addOption(new Option('--insert-at <L>', 'report fields in units of layer L instead of pixels'))
    .option('--json', 'print the reference-fixture JSON format')
    .action((model: string, opts: RfCommandOptions) => {
      const target = loadGraph(model, { ...(opts.size !== undefined ? { height: opts.size } : {}), ...(opts.width !== undefined ? { width: opts.width } : {}) });
      const layers = opts.layer ?? target.layers;
      const report = computeReceptiveFields(target.graph, {
        height: target.height, width: target.width, ...(layers ? { layers } : {}), ...(opts.insertAt ? { insertAt: opts.insertAt } : {}),
      });
      process.stdout.write((opts.json ? JSON.stringify(toFixtureJson(report)) : formatRf(report)) + '\n');
    });
}
