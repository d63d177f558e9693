/**
 * Receptive-field parameters of Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
 * Networks" (Distill, 2019): per axis, the unclipped field size `r`, the effective stride `j` (distance between
 * the fields of neighbouring units) and the effective padding `p` (unit 0's field starts at `-p`).
 */
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import type { Shape } from '../ir/shapes.js';

/** Per-axis `[height, width]` values. */
export interface RfParams {
  rf: [number, number];
  stride: [number, number];
  padding: [number, number];
}

/** One axis: unit `o` sees `[a + o·j, a + o·j + r)` in unclipped input coordinates. */
interface Axis {
  j: number;
  a: number;
  r: number;
}

type Axes = [Axis, Axis];

function window(x: Axis, k: number, s: number, p: number, d: number): Axis {
  return { j: x.j * s, a: x.a - p * x.j, r: x.r + (k - 1) * d * x.j };
}

/** Araujo parameters of every node (relative to `from`, the input by default). */
export function rfParams(graph: Graph, shapes: Map<string, Shape>, from: string = INPUT): Map<string, RfParams> {
  const axes = new Map<string, Axes>([[from, [{ j: 1, a: 0, r: 1 }, { j: 1, a: 0, r: 1 }]]]);
  const startIndex = from === INPUT ? 0 : graph.nodes.findIndex((n) => n.id === from) + 1;
  for (let k = startIndex; k < graph.nodes.length; k++) {
    const node = graph.nodes[k]!;
    const ins = node.inputs.map((i) => axes.get(i)).filter((a): a is Axes => a !== undefined);
    if (ins.length === 0) continue;
    const x = ins[0]!;
    const op = node.op;
    const inShape = shapes.get(node.inputs[0]!)!;
    let out: Axes;
    switch (op.type) {
      case 'conv2d':
      case 'maxPool2d':
      case 'avgPool2d': {
        const d = op.type === 'conv2d' ? op.dilation : [1, 1];
        out = [window(x[0], op.kernel[0], op.stride[0], op.padding[0][0], d[0]!), window(x[1], op.kernel[1], op.stride[1], op.padding[1][0], d[1]!)];
        break;
      }
      case 'zeroPad2d':
        out = [window(x[0], 1, 1, op.padding[0][0], 1), window(x[1], 1, 1, op.padding[1][0], 1)];
        break;
      case 'adaptiveAvgPool2d': {
        const len = inShape.kind === 'map' ? [inShape.h, inShape.w] : [1, 1];
        out = [0, 1].map((ax) => {
          const L = len[ax]!, o = op.output[ax] ?? L;
          return window(x[ax]!, Math.ceil(L / o), Math.max(1, Math.floor(L / o)), 0, 1); // exact when o divides L
        }) as Axes;
        break;
      }
      case 'linear': {
        const len = inShape.kind === 'map' ? [inShape.h, inShape.w] : [1, 1];
        out = [0, 1].map((ax) => window(x[ax]!, len[ax]!, len[ax]!, 0, 1)) as Axes;
        break;
      }
      case 'add':
      case 'multiply':
      case 'concat': {
        // aligned paths share j; the field is the hull of the paths' fields
        const mapIns = node.inputs.map((i) => shapes.get(i)!);
        const main = ins.filter((_, n) => { const s = mapIns[n]!; return s.kind === 'map' && (s.h > 1 || s.w > 1); });
        const ref = (main[0] ?? x);
        out = [0, 1].map((ax) => {
          const a = Math.min(...ins.map((i) => i[ax]!.a));
          const end = Math.max(...ins.map((i) => i[ax]!.a + i[ax]!.r));
          return { j: ref[ax]!.j, a, r: end - a };
        }) as Axes;
        break;
      }
      default:
        out = x;
    }
    axes.set(node.id, out);
  }
  const params = new Map<string, RfParams>();
  for (const [id, [h, w]] of axes) params.set(id, { rf: [h.r, w.r], stride: [h.j, w.j], padding: [-h.a, -w.a] });
  return params;
}
