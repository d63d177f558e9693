/** Propagates {@link FieldMap}s through a graph, node by node (spec §1.3, with exact dilation and crosses). */
import { INPUT } from '../ir/types.js';
import type { Graph, Node } from '../ir/types.js';
import type { Shape } from '../ir/shapes.js';
import { EMPTY } from './intervals.js';
import { fieldsEqual, globalField, productField, unionFields, unitField, windowField } from './fields.js';
import type { AxisWindows, Field, FieldMap, Group } from './fields.js';
import { adaptiveWindows, bilinearWindows, convWindows as axisWindows, cropWindows, nearestWindows, transposedWindows } from './windows.js';

/** Merges neighbouring groups that share a field. */
function compact(groups: Group[]): Group[] {
  const out: Group[] = [];
  for (const g of groups) {
    const last = out[out.length - 1];
    if (last && fieldsEqual(last.field, g.field)) last.count += g.count;
    else out.push({ ...g });
  }
  return out;
}

/** The groups of `map` overlapping channels `[start, stop)`. */
function fieldsIn(map: FieldMap, start: number, stop: number): Field[] {
  const out: Field[] = [];
  let c = 0;
  for (const g of map.groups) {
    if (c < stop && c + g.count > start) out.push(g.field);
    c += g.count;
  }
  return out;
}

/** Splits every input's groups at the union of their channel boundaries, then unions segment by segment. */
function elementwise(maps: FieldMap[], h: number, w: number): FieldMap {
  const cuts = new Set<number>();
  let total = 0;
  for (const m of maps) {
    let c = 0;
    for (const g of m.groups) cuts.add((c += g.count));
    total = c;
  }
  const bounds = [0, ...[...cuts].sort((a, b) => a - b)];
  const groups: Group[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [s, e] = [bounds[k]!, bounds[k + 1]!];
    if (e > total || e <= s) continue;
    groups.push({ count: e - s, field: unionFields(maps.flatMap((m) => fieldsIn(m, s, e)), h, w) });
  }
  return { h, w, groups: compact(groups) };
}

/** An all-empty map (a node that does not depend on the `insertAt` layer). */
function emptyMap(shape: Shape): FieldMap {
  const [c, h, w] = shape.kind === 'map' ? [shape.c, shape.h, shape.w] : [shape.features, 1, 1];
  return { h, w, groups: [{ count: c, field: productField(Array(h).fill(EMPTY), Array(w).fill(EMPTY)) }] };
}

/**
 * Fields of every node up to `until` (a node id), for pixel fields (`from = 'input'`) or fields relative to the
 * units of node `from` (spec §1.4 `insert_at`).
 */
export function propagate(graph: Graph, shapes: Map<string, Shape>, from: string, until: string): Map<string, FieldMap> {
  const maps = new Map<string, FieldMap>();
  const start = shapes.get(from)!;
  if (start.kind !== 'map') throw new Error(`${graph.name}: '${from}' is not a feature map, so fields cannot be taken relative to it`);
  maps.set(from, { h: start.h, w: start.w, groups: [{ count: start.c, field: unitField(start.h, start.w) }] });
  const startIndex = from === INPUT ? 0 : graph.nodes.findIndex((n) => n.id === from) + 1;
  for (let k = startIndex; k < graph.nodes.length; k++) {
    const node = graph.nodes[k]!;
    const ins = node.inputs.map((i) => maps.get(i) ?? emptyMap(shapes.get(i)!));
    try {
      maps.set(node.id, step(graph, node, ins, shapes));
    } catch (e) {
      if ((e as Error).message.startsWith(`${graph.name}: node`)) throw e;
      throw new Error(`${graph.name}: node '${node.id}' (${node.op.type}): ${(e as Error).message}`);
    }
    if (node.id === until) break;
  }
  return maps;
}

function step(graph: Graph, node: Node, ins: FieldMap[], shapes: Map<string, Shape>): FieldMap {
  const x = ins[0]!;
  const out = shapes.get(node.id)!;
  const op = node.op;
  switch (op.type) {
    case 'conv2d':
    case 'maxPool2d':
    case 'avgPool2d': {
      if (out.kind !== 'map') throw new Error('unreachable');
      const d = op.type === 'conv2d' ? op.dilation : [1, 1];
      const rw = axisWindows(out.h, op.kernel[0], op.stride[0], op.padding[0][0], d[0]!, x.h);
      const cw = axisWindows(out.w, op.kernel[1], op.stride[1], op.padding[1][0], d[1]!, x.w);
      if (op.type !== 'conv2d') return { h: out.h, w: out.w, groups: x.groups.map((g) => ({ count: g.count, field: windowField(g.field, rw, cw) })) };
      const inC = x.groups.reduce((a, g) => a + g.count, 0);
      const G = op.groups, inPer = inC / G, outPer = op.outChannels / G;
      const groups: Group[] = [];
      const done = new Map<Field, Field>(); // windowed union, per union field
      for (let g = 0; g < G; g++) {
        const u = unionFields(fieldsIn(x, g * inPer, (g + 1) * inPer), x.h, x.w);
        let f = done.get(u);
        if (!f) done.set(u, (f = windowField(u, rw, cw)));
        groups.push({ count: outPer, field: f });
        if (x.groups.length === 1) {
          groups[0]!.count = op.outChannels; // identical channels: one group does
          break;
        }
      }
      return { h: out.h, w: out.w, groups: compact(groups) };
    }
    case 'conv2dTranspose': {
      if (out.kind !== 'map') throw new Error('unreachable');
      // every output channel reads every input channel
      const u = unionFields(x.groups.map((g) => g.field), x.h, x.w);
      const rw = transposedWindows(out.h, op.kernel[0], op.stride[0], op.padding[0][0], op.dilation[0], x.h);
      const cw = transposedWindows(out.w, op.kernel[1], op.stride[1], op.padding[1][0], op.dilation[1], x.w);
      return { h: out.h, w: out.w, groups: [{ count: op.outChannels, field: windowField(u, rw, cw) }] };
    }
    case 'upsample2d': {
      const [rw, cw] = op.mode === 'nearest'
        ? [nearestWindows(op.scale[0], x.h), nearestWindows(op.scale[1], x.w)]
        : [bilinearWindows(op.scale[0], x.h, op.halfPixelCenters), bilinearWindows(op.scale[1], x.w, op.halfPixelCenters)];
      return perGroup(x, rw, cw);
    }
    case 'crop2d': {
      if (out.kind !== 'map') throw new Error('unreachable');
      return perGroup(x, cropWindows(out.h, op.cropping[0][0]), cropWindows(out.w, op.cropping[1][0]));
    }
    case 'zeroPad2d': {
      if (out.kind !== 'map') throw new Error('unreachable');
      const rw = axisWindows(out.h, 1, 1, op.padding[0][0], 1, x.h), cw = axisWindows(out.w, 1, 1, op.padding[1][0], 1, x.w);
      return { h: out.h, w: out.w, groups: x.groups.map((g) => ({ count: g.count, field: windowField(g.field, rw, cw) })) };
    }
    case 'adaptiveAvgPool2d': {
      if (out.kind !== 'map') throw new Error('unreachable');
      const rw = adaptiveWindows(out.h, x.h), cw = adaptiveWindows(out.w, x.w);
      return { h: out.h, w: out.w, groups: x.groups.map((g) => ({ count: g.count, field: windowField(g.field, rw, cw) })) };
    }
    case 'add':
    case 'multiply': {
      if (out.kind !== 'map') throw new Error('unreachable');
      return elementwise(ins, out.h, out.w);
    }
    case 'concat':
      return { h: x.h, w: x.w, groups: compact(ins.flatMap((m) => m.groups)) };
    case 'softmax':
    case 'layerNorm2d': {
      // mixes the channels at each position: every channel there sees every channel's field
      const c = x.groups.reduce((a, g) => a + g.count, 0);
      return { h: x.h, w: x.w, groups: [{ count: c, field: unionFields(x.groups.map((g) => g.field), x.h, x.w) }] };
    }
    case 'linear': {
      const all = unionFields(x.groups.map((g) => g.field), x.h, x.w);
      return { h: 1, w: 1, groups: [{ count: op.outFeatures, field: globalField(all) }] };
    }
    case 'batchNorm2d':
    case 'activation':
    case 'channelScale':
    case 'identity':
    case 'rescale':
    case 'flatten': // keeps the per-unit structure for the linear layer
      return x;
    default: {
      const unknown: never = op;
      throw new Error(`${graph.name}: node '${node.id}': no receptive-field rule for op '${(unknown as { type: string }).type}'`);
    }
  }
}

/** A windowed op that keeps channels apart (pools, upsampling, cropping). */
function perGroup(x: FieldMap, rw: AxisWindows, cw: AxisWindows): FieldMap {
  return { h: rw.length, w: cw.length, groups: x.groups.map((g) => ({ count: g.count, field: windowField(g.field, rw, cw) })) };
}
