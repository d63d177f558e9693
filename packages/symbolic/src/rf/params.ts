/**
 * Receptive-field parameters of Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural
 * Networks" (Distill, 2019): per axis, the unclipped field size `r`, the effective stride `j` (distance between
 * the fields of neighbouring units) and the effective padding `p` (unit 0's field starts at `-p`).
 *
 * Decoders (upsampling, transposed convolutions) put several output units on one input unit, so their units do
 * not sit on a whole-pixel grid: their values are the smallest regular envelope — unit `o`'s unclipped field lies
 * inside `[−p + o·j, −p + o·j + r)` — with a fractional stride `j / scale` (and possibly fractional `r`, `p`).
 * For every other op the envelope is the field itself.
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

/**
 * Transposed convolution: output `o` reads the inputs `t = (o + p − q·d)/s` (whole ones), so relative to `o/s`
 * its inputs lie in `[(p − (k−1)·d)/s, p/s]`.
 */
function transposed(x: Axis, k: number, s: number, p: number, d: number): Axis {
  return { j: x.j / s, a: x.a + ((p - (k - 1) * d) / s) * x.j, r: x.r + ((k - 1) * d / s) * x.j };
}

/**
 * Upsampling by `s` where output `o` reads inputs `lo(o)…hi(o)` (unclipped): the envelope over one period of `s`
 * outputs of `lo(o) − o/s` and `hi(o) − o/s`.
 */
function upsampled(x: Axis, s: number, reads: (o: number) => [number, number]): Axis {
  let lo = Infinity, hi = -Infinity;
  for (let o = 0; o < s; o++) {
    const [a, b] = reads(o);
    lo = Math.min(lo, a - o / s);
    hi = Math.max(hi, b - o / s);
  }
  return { j: x.j / s, a: x.a + lo * x.j, r: x.r + (hi - lo) * x.j };
}

/** The unclipped input positions output `o` of a bilinear upsampling reads. */
function bilinearReads(s: number, halfPixel: boolean): (o: number) => [number, number] {
  return (o) => {
    const num = halfPixel ? 2 * o + 1 - s : o, den = halfPixel ? 2 * s : s;
    const lo = Math.floor(num / den);
    return [lo, num % den === 0 ? lo : lo + 1];
  };
}

/** Araujo parameters of every node (relative to `from`, the input by default). */
export function rfParams(graph: Graph, shapes: Map<string, Shape>, from: string = INPUT): Map<string, RfParams> {
  const axes = new Map<string, Axes>([[from, [{ j: 1, a: 0, r: 1 }, { j: 1, a: 0, r: 1 }]]]);
  // the map behind each node: a vector from `flatten` still stands for its input map's units
  const grid = new Map<string, [number, number]>();
  const gridOf = (id: string): [number, number] => {
    const s = shapes.get(id)!;
    return s.kind === 'map' ? [s.h, s.w] : (grid.get(id) ?? [1, 1]);
  };
  let startIndex = 0;
  if (from !== INPUT) startIndex = graph.nodes.findIndex((n) => n.id === from) + 1;
  for (let k = 0; k < graph.nodes.length; k++) {
    const node = graph.nodes[k]!;
    const op = node.op;
    if (shapes.get(node.id)?.kind === 'vector') grid.set(node.id, op.type === 'linear' ? [1, 1] : gridOf(node.inputs[0]!));
    if (k < startIndex) continue;
    const ins: Axes[] = [];
    for (const i of node.inputs) {
      const a = axes.get(i);
      if (a) ins.push(a);
    }
    if (ins.length === 0) continue;
    const x = ins[0]!;
    const len = gridOf(node.inputs[0]!);
    let out: Axes;
    switch (op.type) {
      case 'conv2d':
      case 'maxPool2d':
      case 'avgPool2d': {
        const d = op.type === 'conv2d' ? op.dilation : [1, 1];
        out = [window(x[0], op.kernel[0], op.stride[0], op.padding[0][0], d[0]!), window(x[1], op.kernel[1], op.stride[1], op.padding[1][0], d[1]!)];
        break;
      }
      case 'conv2dTranspose':
        out = [transposed(x[0], op.kernel[0], op.stride[0], op.padding[0][0], op.dilation[0]),
          transposed(x[1], op.kernel[1], op.stride[1], op.padding[1][0], op.dilation[1])];
        break;
      case 'upsample2d':
        out = [0, 1].map((ax) => {
          const s = op.scale[ax]!;
          const reads = op.mode === 'nearest' ? (o: number): [number, number] => [Math.floor(o / s), Math.floor(o / s)] : bilinearReads(s, op.halfPixelCenters);
          return upsampled(x[ax]!, s, reads);
        }) as Axes;
        break;
      case 'crop2d':
        out = [window(x[0], 1, 1, -op.cropping[0][0], 1), window(x[1], 1, 1, -op.cropping[1][0], 1)];
        break;
      case 'zeroPad2d':
        out = [window(x[0], 1, 1, op.padding[0][0], 1), window(x[1], 1, 1, op.padding[1][0], 1)];
        break;
      case 'adaptiveAvgPool2d': {
        out = [0, 1].map((ax) => {
          const L = len[ax]!, o = op.output[ax] ?? L;
          return window(x[ax]!, Math.ceil(L / o), Math.max(1, Math.floor(L / o)), 0, 1); // exact when o divides L
        }) as Axes;
        break;
      }
      case 'linear':
        // every unit of the map behind it (through flatten): the whole input
        out = [0, 1].map((ax) => window(x[ax]!, len[ax]!, len[ax]!, 0, 1)) as Axes;
        break;
      case 'add':
      case 'multiply':
      case 'concat': {
        // aligned paths share j; the field is the hull of the paths' fields
        let ref = x;
        for (let n = 0; n < node.inputs.length; n++) {
          const s = shapes.get(node.inputs[n]!)!;
          const a = axes.get(node.inputs[n]!);
          if (a && s.kind === 'map' && (s.h > 1 || s.w > 1)) {
            ref = a;
            break;
          }
        }
        out = [0, 1].map((ax) => {
          let a = Infinity, end = -Infinity;
          for (const i of ins) {
            a = Math.min(a, i[ax]!.a);
            end = Math.max(end, i[ax]!.a + i[ax]!.r);
          }
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
