/**
 * `computeReceptiveFields`: for a graph and an input size, the exact set of input pixels of every unit of every
 * named layer, with Araujo's parameters and area statistics, as plain data (spec §1.5–1.7).
 */
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import { inferShapes } from '../ir/shapes.js';
import { checkSide } from '../ir/limits.js';
import { blocksArea } from './blocks.js';
import type { Block } from './blocks.js';
import { hull, size, toPairs } from './intervals.js';
import { fieldsEqual, unionFields, unitBlocks } from './fields.js';
import type { Field, FieldMap } from './fields.js';
import { propagate } from './propagate.js';
import { rfParams } from './params.js';

/** `[start, stop)`. */
export type Span = [number, number];

/** An exact block: every pixel in `rows × cols`, each a list of spans. */
export interface ExactBlock {
  rows: Span[];
  cols: Span[];
}

/** The exact fields of one group of channels (or of the union over channels). */
export interface ExactFields {
  /** True when unit `(i, j)` sees exactly `rowSets[i] × colSets[j]`. */
  product: boolean;
  /** Per latent row, the rows of pixels it sees (several spans where a dilated kernel leaves holes). */
  rowSets: Span[][];
  /** Per latent column, likewise. */
  colSets: Span[][];
  /** Only when not a product: each unit's field (row-major) as a union of blocks (a cross, say). */
  units?: ExactBlock[][];
}

/** Receptive fields of one named layer. */
export interface LayerFields {
  /** The graph node this layer is. */
  node: string;
  /** Latent grid `[Hz, Wz]`. */
  grid: [number, number];
  channels: number;
  /** Per latent row, `[start, stop)` of the pixels its units see (union over channels); the hull where there are holes. */
  rows: Span[];
  /** Per latent column, likewise. */
  cols: Span[];
  /** Every unit's field (union over channels) is exactly `rows[i] × cols[j]`. */
  product: boolean;
  /** Channels do not all share one field (after a concatenation); `rows`/`cols` are then their union (spec §1.6). */
  channelsDiffer: boolean;
  /** Some field has holes (dilation): see `exact`. */
  holes: boolean;
  /** Araujo's unclipped field size, effective stride and effective padding, per axis `[h, w]`. */
  rf: [number, number];
  stride: [number, number];
  padding: [number, number];
  /** Clipped field area of the units' channel-union fields, as a percentage of the input area (spec §1.7's values). */
  meanAreaPct: number;
  minAreaPct: number;
  maxAreaPct: number;
  /** Mean clipped field area over every unit of every channel (differs from `meanAreaPct` when channels differ). */
  meanChannelAreaPct: number;
  /** The exact fields of the channel union: present when the layer is not a plain product of single spans. */
  exact?: ExactFields;
  /** Per group of channels sharing a field (`start` is the first channel): present when `channelsDiffer`. */
  channelGroups?: Array<{ start: number; count: number } & ExactFields>;
}

/** What {@link computeReceptiveFields} returns. */
export interface RfReport {
  model: string;
  height: number;
  width: number;
  /** The layer fields are relative to, when not the input pixels. */
  insertAt?: string;
  layers: Record<string, LayerFields>;
  /** Wall time of the analysis alone, in ms. */
  elapsedMs: number;
}

/** Options of {@link computeReceptiveFields}. */
export interface RfOptions {
  /** Input height in pixels (at most {@link MAX_SIDE}); default the graph's own {@link Graph.inputSize}. */
  height?: number;
  /** Default: the graph's own input width if it has one, else `height`. */
  width?: number;
  /** Stage names to report; default every stage of the graph. */
  layers?: string[];
  /** A stage name: report fields in units of that layer instead of pixels (spec §1.4). */
  insertAt?: string;
  /** Pools in `ceil_mode` without PyTorch's "last window starts inside" rule, as the reference engine did. */
  legacyCeil?: boolean;
}

const spans = (sets: readonly (readonly number[])[]): Span[][] => sets.map((s) => toPairs(s));

function exactOf(f: Field): ExactFields {
  if (f.kind === 'product') return { product: true, rowSets: spans(f.rows), colSets: spans(f.cols) };
  const rowSets: Span[][] = [], colSets: Span[][] = [];
  const units: ExactBlock[][] = f.units.map((u) => u.map((b) => ({ rows: toPairs(b.rows), cols: toPairs(b.cols) })));
  for (let i = 0; i < f.h; i++) rowSets.push(spanUnion(f.units.slice(i * f.w, (i + 1) * f.w).flat().map((b) => b.rows)));
  for (let j = 0; j < f.w; j++) colSets.push(spanUnion(f.units.filter((_, u) => u % f.w === j).flat().map((b) => b.cols)));
  return { product: false, rowSets, colSets, units };
}

function spanUnion(sets: readonly (readonly number[])[]): Span[] {
  const all = sets.flatMap((s) => toPairs(s)).sort((a, b) => a[0] - b[0]);
  const out: Span[] = [];
  for (const [s, e] of all) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function unitArea(f: Field, i: number, j: number): number {
  const blocks: Block[] = unitBlocks(f, i, j);
  return blocks.length === 1 ? size(blocks[0]!.rows) * size(blocks[0]!.cols) : blocksArea(blocks);
}

/** Mean, min and max unit area of a map's groups (each weighted by its channel count). */
function areaStats(groups: readonly { count: number; field: Field }[], h: number, w: number): { mean: number; min: number; max: number } {
  let sum = 0, min = Infinity, max = -Infinity, n = 0;
  for (const g of groups) {
    const f = g.field;
    n += g.count;
    if (f.kind === 'product') {
      // a product's areas are products of per-axis sizes: sums and extremes factor
      const rs = f.rows.map(size), cs = f.cols.map(size);
      sum += rs.reduce((a, v) => a + v, 0) * cs.reduce((a, v) => a + v, 0) * g.count;
      min = Math.min(min, minOf(rs) * minOf(cs));
      max = Math.max(max, maxOf(rs) * maxOf(cs));
      continue;
    }
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const a = unitArea(f, i, j);
        sum += a * g.count;
        min = Math.min(min, a);
        max = Math.max(max, a);
      }
    }
  }
  return { mean: sum / (n * h * w), min, max };
}

// loops, not Math.min(...xs): a spread of a long array overflows the stack
function minOf(xs: readonly number[]): number {
  let m = Infinity;
  for (const x of xs) if (x < m) m = x;
  return m;
}

function maxOf(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function layerFields(node: string, map: FieldMap, total: number): Omit<LayerFields, 'rf' | 'stride' | 'padding'> {
  const channels = map.groups.reduce((a, g) => a + g.count, 0);
  const u = unionFields(map.groups.map((g) => g.field), map.h, map.w);
  const exact = exactOf(u);
  const holes = [...exact.rowSets, ...exact.colSets].some((s) => s.length > 1);
  const channelsDiffer = map.groups.some((g) => !fieldsEqual(g.field, map.groups[0]!.field));
  // statistics of the channel union (what a prototype maps to, spec §1.6; §1.7's values), and over every channel
  const unionStats = areaStats([{ count: 1, field: u }], map.h, map.w);
  const channelStats = areaStats(map.groups, map.h, map.w);
  const pct = (v: number) => (100 * v) / total;
  const out: Omit<LayerFields, 'rf' | 'stride' | 'padding'> = {
    node,
    grid: [map.h, map.w],
    channels,
    rows: exact.rowSets.map((s) => (s.length ? [s[0]![0], s[s.length - 1]![1]] : [0, 0])),
    cols: exact.colSets.map((s) => (s.length ? [s[0]![0], s[s.length - 1]![1]] : [0, 0])),
    product: exact.product,
    channelsDiffer,
    holes,
    meanAreaPct: pct(unionStats.mean),
    minAreaPct: pct(unionStats.min),
    maxAreaPct: pct(unionStats.max),
    meanChannelAreaPct: pct(channelStats.mean),
  };
  if (!exact.product || holes) out.exact = exact;
  if (channelsDiffer) {
    let start = 0;
    out.channelGroups = map.groups.map((g) => {
      const e = { start, count: g.count, ...exactOf(g.field) };
      start += g.count;
      return e;
    });
  }
  return out;
}

/** The node id of a stage, with an error listing the stages. */
export function stageNode(graph: Graph, name: string): string {
  const s = graph.stages.find(([n]) => n === name);
  if (!s) throw new Error(`${graph.name} has no layer '${name}'. Its layers are: ${graph.stages.map(([n]) => n).join(', ')}.`);
  return s[1];
}

/** The input size to analyse: the options', else the graph's own; checked against the graph's and the limit. */
function inputSize(graph: Graph, options: RfOptions): [number, number] {
  const own = graph.inputSize;
  const height = options.height ?? own?.[0];
  if (height === undefined) throw new Error(`${graph.name}: give the input height (the graph has no input size of its own).`);
  checkSide('The input height', height);
  const ownWidth = own && (options.height === undefined || options.height === own[0]) ? own[1] : undefined;
  const width = checkSide('The input width', options.width ?? ownWidth ?? height);
  if (own && (own[0] !== height || own[1] !== width)) {
    throw new Error(`${graph.name} was built for ${own[0]}x${own[1]} input (its 'same' padding is resolved for that size), not ${height}x${width}: ` +
      'import it again for the size you want.');
  }
  return [height, width];
}

/**
 * Exact receptive fields of the named layers of `graph` for an `H×W` input: per latent unit the set of input
 * pixels (padding contributes none), Araujo's parameters, and area statistics.
 */
export function computeReceptiveFields(graph: Graph, options: RfOptions): RfReport {
  const t0 = performance.now();
  const [height, width] = inputSize(graph, options);
  const shapes = inferShapes(graph, height, width, { legacyCeil: options.legacyCeil ?? false });
  const from = options.insertAt ? stageNode(graph, options.insertAt) : INPUT;
  const order = new Map(graph.nodes.map((n, k) => [n.id, k]));
  const fromIndex = from === INPUT ? -1 : order.get(from)!;
  let wanted = options.layers ?? graph.stages.map(([n]) => n);
  const stageIds = new Map(graph.stages);
  const ids = new Map(wanted.map((n) => [n, stageIds.get(n) ?? stageNode(graph, n)]));
  if (options.insertAt) {
    // layers at or before the insertion point have no fields relative to it (spec §1.4: they are discarded)
    const later = (id: string) => (order.get(id) ?? -1) > fromIndex;
    if (options.layers) {
      const early = wanted.filter((n) => !later(ids.get(n)!));
      if (early.length) throw new Error(`Layers ${early.join(', ')} come before --insert-at ${options.insertAt}: fields relative to it exist only after it.`);
    }
    wanted = wanted.filter((n) => later(ids.get(n)!));
  }
  const last = [...ids.values()].reduce((a, id) => ((order.get(id) ?? -1) > (order.get(a) ?? -1) ? id : a), from);
  const maps = propagate(graph, shapes, from, last);
  const params = rfParams(graph, shapes, from);
  const fromShape = shapes.get(from)!;
  const total = fromShape.kind === 'map' ? fromShape.h * fromShape.w : 1;
  const layers: Record<string, LayerFields> = {};
  // layers that share a map (a conv, its batch norm, its activation) share its fields: computed once
  const done = new Map<FieldMap, Omit<LayerFields, 'rf' | 'stride' | 'padding'>>();
  for (const name of wanted) {
    const id = ids.get(name)!;
    const p = params.get(id)!;
    const map = maps.get(id)!;
    let f = done.get(map);
    if (!f) done.set(map, (f = layerFields(id, map, total)));
    layers[name] = { ...f, node: id, rf: p.rf, stride: p.stride, padding: p.padding };
  }
  const report: RfReport = { model: graph.name, height, width, layers, elapsedMs: 0 };
  if (options.insertAt) report.insertAt = options.insertAt;
  report.elapsedMs = performance.now() - t0;
  return report;
}

export { hull };

function blocksOf(e: ExactFields, w: number, i: number, j: number): ExactBlock[] {
  if (e.units) return e.units[i * w + j]!;
  const rows = e.rowSets[i]!, cols = e.colSets[j]!;
  return rows.length && cols.length ? [{ rows, cols }] : [];
}

/** The exact field of unit `(i, j)` of a layer (union over channels), as blocks `rows × cols`. */
export function unitField(layer: LayerFields, i: number, j: number): ExactBlock[] {
  if (layer.exact) return blocksOf(layer.exact, layer.grid[1], i, j);
  return [{ rows: [layer.rows[i]!], cols: [layer.cols[j]!] }];
}

/** The exact field of unit `(i, j)` of one channel of a layer. */
export function channelUnitField(layer: LayerFields, channel: number, i: number, j: number): ExactBlock[] {
  if (!layer.channelGroups) return unitField(layer, i, j);
  const g = layer.channelGroups.find((c) => channel >= c.start && channel < c.start + c.count);
  if (!g) throw new Error(`channel ${channel} is outside the layer's ${layer.channels} channels`);
  return blocksOf(g, layer.grid[1], i, j);
}
