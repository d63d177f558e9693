/** Output shapes of every node for an input size, following PyTorch's formulas. */
import { INPUT } from './types.js';
import type { Graph, Node, Pool2dOp } from './types.js';
import { MAX_SIDE } from './limits.js';

/** A feature map `[C, H, W]`, or a vector of `features` (after flatten/linear). */
export type Shape = { kind: 'map'; c: number; h: number; w: number } | { kind: 'vector'; features: number };

/** Output length of a conv along one axis (PyTorch). */
export function convOutLength(len: number, k: number, s: number, padBefore: number, padAfter: number, d = 1): number {
  return Math.floor((len + padBefore + padAfter - d * (k - 1) - 1) / s) + 1;
}

/**
 * Output length of a pool along one axis (PyTorch, including its `ceil_mode` rule that the last window must start
 * inside the input or the left padding). `legacy: true` omits that rule, as the reference RF engine did (spec §1.3).
 */
export function poolOutLength(len: number, k: number, s: number, padBefore: number, padAfter: number, ceil: boolean, legacy = false): number {
  const span = len + padBefore + padAfter - k;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && !legacy && (out - 1) * s >= len + padBefore) out -= 1;
  return out;
}

/** Pool output length for an op and axis. */
export function poolLength(op: Pool2dOp, axis: 0 | 1, len: number, legacy = false): number {
  return poolOutLength(len, op.kernel[axis], op.stride[axis], op.padding[axis][0], op.padding[axis][1], op.ceilMode, legacy);
}

function fail(graph: string, node: Node, msg: string): never {
  throw new Error(`${graph}: node '${node.id}' (${node.op.type}): ${msg}`);
}

/** Output length of a transposed convolution along one axis. */
export function convTransposeOutLength(len: number, k: number, s: number, padBefore: number, padAfter: number, outputPadding: number, d = 1): number {
  return (len - 1) * s + d * (k - 1) + 1 - padBefore - padAfter + outputPadding;
}

/**
 * The output shape of one node from its inputs' shapes (`graph` names the graph in errors). Throws naming the node
 * when a size collapses below 1 or grows beyond {@link MAX_SIDE}.
 */
export function nodeShape(graph: string, node: Node, ins: readonly Shape[], options: { legacyCeil?: boolean } = {}): Shape {
  const x = ins[0];
  if (!x) fail(graph, node, 'has no input');
  const map = () => (x.kind === 'map' ? x : fail(graph, node, 'expects a feature map, got a vector'));
  let out: Shape;
  const op = node.op;
  switch (op.type) {
    case 'conv2d': {
      const m = map();
      if (m.c % op.groups !== 0 || op.outChannels % op.groups !== 0) fail(graph, node, `groups=${op.groups} must divide ${m.c} and ${op.outChannels}`);
      out = { kind: 'map', c: op.outChannels,
        h: convOutLength(m.h, op.kernel[0], op.stride[0], op.padding[0][0], op.padding[0][1], op.dilation[0]),
        w: convOutLength(m.w, op.kernel[1], op.stride[1], op.padding[1][0], op.padding[1][1], op.dilation[1]) };
      break;
    }
    case 'conv2dTranspose': {
      const m = map();
      const len = (ax: 0 | 1, l: number) =>
        convTransposeOutLength(l, op.kernel[ax], op.stride[ax], op.padding[ax][0], op.padding[ax][1], op.outputPadding[ax], op.dilation[ax]);
      out = { kind: 'map', c: op.outChannels, h: len(0, m.h), w: len(1, m.w) };
      break;
    }
    case 'upsample2d': {
      const m = map();
      out = { kind: 'map', c: m.c, h: m.h * op.scale[0], w: m.w * op.scale[1] };
      break;
    }
    case 'crop2d': {
      const m = map();
      out = { kind: 'map', c: m.c, h: m.h - op.cropping[0][0] - op.cropping[0][1], w: m.w - op.cropping[1][0] - op.cropping[1][1] };
      break;
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const m = map();
      out = { kind: 'map', c: m.c, h: poolLength(op, 0, m.h, options.legacyCeil), w: poolLength(op, 1, m.w, options.legacyCeil) };
      break;
    }
    case 'zeroPad2d': {
      const m = map();
      out = { kind: 'map', c: m.c, h: m.h + op.padding[0][0] + op.padding[0][1], w: m.w + op.padding[1][0] + op.padding[1][1] };
      break;
    }
    case 'adaptiveAvgPool2d': {
      const m = map();
      out = { kind: 'map', c: m.c, h: op.output[0] ?? m.h, w: op.output[1] ?? m.w };
      break;
    }
    case 'concat': {
      const ms = ins.map((s) => (s.kind === 'map' ? s : fail(graph, node, 'concatenates vectors')));
      const m0 = ms[0]!;
      let c = 0;
      for (const s of ms) {
        if (s.h !== m0.h || s.w !== m0.w) fail(graph, node, `inputs differ in size: ${ms.map((q) => `${q.h}x${q.w}`).join(', ')}`);
        c += s.c;
      }
      out = { kind: 'map', c, h: m0.h, w: m0.w };
      break;
    }
    case 'add':
    case 'multiply': {
      const ms = ins.map((s) => (s.kind === 'map' ? s : fail(graph, node, 'combines vectors')));
      const big = ms.reduce((a, s) => (s.h * s.w > a.h * a.w ? s : a));
      for (const s of ms) {
        const broadcast = s.h === 1 && s.w === 1;
        if (s.c !== big.c || (!broadcast && (s.h !== big.h || s.w !== big.w))) {
          fail(graph, node, `inputs do not broadcast: ${ms.map((q) => `${q.c}x${q.h}x${q.w}`).join(', ')}`);
        }
      }
      out = big;
      break;
    }
    case 'flatten':
      out = x.kind === 'map' ? { kind: 'vector', features: x.c * x.h * x.w } : x;
      break;
    case 'linear':
      out = { kind: 'vector', features: op.outFeatures };
      break;
    default:
      out = x;
  }
  if (out.kind === 'map' && (out.h < 1 || out.w < 1)) {
    const i = ins[0]!;
    fail(graph, node, `the input is too small: output would be ${out.h}x${out.w} (its input is ${i.kind === 'map' ? `${i.h}x${i.w}` : 'a vector'})`);
  }
  if (out.kind === 'map' && (out.h > MAX_SIDE || out.w > MAX_SIDE)) {
    fail(graph, node, `the output would be ${out.h}x${out.w}, larger than the ${MAX_SIDE} units per side the analysis accepts`);
  }
  return out;
}

/** Shapes of every node (and `input`) for an `H×W` image. Throws naming the node when a size collapses. */
export function inferShapes(graph: Graph, height: number, width: number, options: { legacyCeil?: boolean } = {}): Map<string, Shape> {
  const shapes = new Map<string, Shape>([[INPUT, { kind: 'map', c: graph.inputChannels, h: height, w: width }]]);
  for (const node of graph.nodes) {
    const ins = node.inputs.map((i) => shapes.get(i)!);
    try {
      shapes.set(node.id, nodeShape(graph.name, node, ins, options));
    } catch (e) {
      // keep the message, add the input size it was inferred for
      throw new Error(`${(e as Error).message} (input ${height}x${width})`);
    }
  }
  return shapes;
}
