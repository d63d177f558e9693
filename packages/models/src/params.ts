/**
 * The parameters a graph needs, named as torchvision's state dict names them, in its order. Weights are kept in
 * tfjs layouts (conv `[kh, kw, in/groups, out]`, linear `[in, out]`); {@link toTfLayout} converts torch tensors.
 */
import { inferShapes } from '@pixpnet/symbolic';
import type { Graph, Shape } from '@pixpnet/symbolic';

/** How a parameter maps from torch to tfjs. */
export type ParamLayout = 'conv' | 'linear' | 'linearAsConv' | 'vector';

/** One parameter or buffer. */
export interface ParamSpec {
  /** torchvision state-dict key, e.g. `layer1.0.conv1.weight`. */
  name: string;
  /** The node it belongs to. */
  node: string;
  /** Shape in the torch state dict. */
  torchShape: number[];
  /** Shape as stored here. */
  tfShape: number[];
  layout: ParamLayout;
  /** Trained by gradient descent (false for batch-norm running statistics). */
  trainable: boolean;
  /** Initial value kind when no weights are loaded. */
  init: 'kaiming' | 'linear' | 'zeros' | 'ones' | 'layerScale';
}

/** Parameters of every node of `graph` (channel counts need a shape pass, done at a nominal size). */
export function parameterSpecs(graph: Graph, shapes: Map<string, Shape> = inferShapes(graph, 224, 224)): ParamSpec[] {
  const out: ParamSpec[] = [];
  const chans = (id: string): number => {
    const s = shapes.get(id)!;
    return s.kind === 'map' ? s.c : s.features;
  };
  for (const node of graph.nodes) {
    const op = node.op;
    const id = node.id;
    const cin = chans(node.inputs[0]!);
    const vec = (name: string, n: number, init: ParamSpec['init'], trainable = true): ParamSpec =>
      ({ name: `${id}.${name}`, node: id, torchShape: [n], tfShape: [n], layout: 'vector', trainable, init });
    switch (op.type) {
      case 'conv2d': {
        const [kh, kw] = op.kernel;
        // ConvNeXt's block Linear layers are 1×1 convolutions here; torch stores them as [out, in]
        const asLinear = /\.block\.[35]$/.test(id) && kh === 1 && kw === 1;
        out.push({ name: `${id}.weight`, node: id, torchShape: asLinear ? [op.outChannels, cin] : [op.outChannels, cin / op.groups, kh, kw],
          tfShape: [kh, kw, cin / op.groups, op.outChannels], layout: asLinear ? 'linearAsConv' : 'conv', trainable: true, init: 'kaiming' });
        if (op.bias) out.push(vec('bias', op.outChannels, 'zeros'));
        break;
      }
      case 'batchNorm2d':
        out.push(vec('weight', cin, 'ones'), vec('bias', cin, 'zeros'), vec('running_mean', cin, 'zeros', false), vec('running_var', cin, 'ones', false));
        break;
      case 'layerNorm2d':
        out.push(vec('weight', cin, 'ones'), vec('bias', cin, 'zeros'));
        break;
      case 'linear':
        out.push({ name: `${id}.weight`, node: id, torchShape: [op.outFeatures, cin], tfShape: [cin, op.outFeatures], layout: 'linear', trainable: true, init: 'linear' });
        if (op.bias) out.push(vec('bias', op.outFeatures, 'zeros'));
        break;
      case 'channelScale':
        // torchvision names ConvNeXt's layer scale `<block>.layer_scale`, shape [C, 1, 1]
        out.push({ name: id, node: id, torchShape: [cin, 1, 1], tfShape: [cin], layout: 'vector', trainable: true, init: 'layerScale' });
        break;
      default:
        break;
    }
  }
  return out;
}

/**
 * A torch-layout tensor's values in tfjs layout: conv `[O, I, kh, kw]` → `[kh, kw, I, O]`, linear `[O, I]` →
 * `[I, O]`; vectors (and `[C, 1, 1]` scales) are unchanged.
 */
export function toTfLayout(spec: ParamSpec, values: Float32Array): Float32Array {
  if (spec.layout === 'vector') return values;
  if (spec.layout === 'linear' || spec.layout === 'linearAsConv') {
    const [o, i] = spec.torchShape as [number, number];
    return transpose2d(values, o, i);
  }
  const [o, i, kh, kw] = spec.torchShape as [number, number, number, number];
  // [O, I·kh·kw] → [I·kh·kw, O] is [kh, kw, I, O] after moving I behind the taps
  const t = transpose2d(values, o, i * kh * kw); // [(I, kh, kw), O]
  if (kh === 1 && kw === 1) return t;
  const out = new Float32Array(values.length);
  for (let b = 0; b < i; b++) for (let p = 0; p < kh * kw; p++) out.set(t.subarray((b * kh * kw + p) * o, (b * kh * kw + p + 1) * o), (p * i + b) * o);
  return out;
}

/** A cache-blocked transpose of a row-major `rows × cols` matrix. */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  const B = 64;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = values[r * cols + c]!;
    }
  }
  return out;
}

/** The inverse of {@link toTfLayout}, for saving in torch layout. */
export function toTorchLayout(spec: ParamSpec, values: Float32Array): Float32Array {
  if (spec.layout === 'vector') return values;
  if (spec.layout === 'linear' || spec.layout === 'linearAsConv') {
    const [o, i] = spec.torchShape as [number, number];
    return transpose2d(values, i, o);
  }
  const [o, i, kh, kw] = spec.torchShape as [number, number, number, number];
  // [kh, kw, I, O] → [(I, kh, kw), O] by moving the taps behind I, then → [O, (I, kh, kw)]
  let t = values;
  if (kh !== 1 || kw !== 1) {
    t = new Float32Array(values.length);
    for (let b = 0; b < i; b++) for (let p = 0; p < kh * kw; p++) t.set(values.subarray((p * i + b) * o, (p * i + b + 1) * o), (b * kh * kw + p) * o);
  }
  return transpose2d(t, i * kh * kw, o);
}
