/**
 * Canonisation (spec §6.7) from the one graph IR: the ProtoNet's kept backbone nodes and its add-on as one list of
 * nodes, with every batch norm that directly follows a convolution folded into it (`W' = W·γ/√(σ²+ε)`,
 * `b' = (b − μ)·γ/√(σ²+ε) + β`; the batch norm becomes the identity). Layers beyond the cut are not in the list.
 * The trained model is not modified: folded weights are new tensors, owned by the result.
 */
import { tf } from '@pixpnet/engine';
import type { Tensor, Tensor1D, Tensor4D } from '@pixpnet/engine';
import type { Backbone, ProtoNet } from '@pixpnet/models';
import { INPUT } from '@pixpnet/symbolic';
import type { Node } from '@pixpnet/symbolic';

/** One node of the canonised network. */
export interface LrpNode {
  /** Unique id: the backbone's node id, or `add_on_layers.<id>` for the add-on. */
  id: string;
  node: Node;
  /** Inputs by canonised id (`input` is the image). */
  inputs: string[];
  /** A batch norm folded into the convolution before it: the identity here. */
  folded?: boolean;
  /** The convolution reading the image (the z^B rule applies to it). */
  first?: boolean;
  /** Which network it comes from: its parameters are looked up there. */
  from: Backbone;
}

/** The canonised network: nodes in order, the output node (the add-on's), and the folded weights. */
export interface Canonized {
  nodes: LrpNode[];
  output: string;
  /** Folded `[weight, bias]` of every convolution followed by a batch norm, by canonised id. */
  foldedConvs: Map<string, [Tensor4D, Tensor1D]>;
  /** Disposes the folded weights. */
  dispose(): void;
}

const ADD_ON = 'add_on_layers.';

/** Canonises `model` (see the module comment). */
export function canonize(model: ProtoNet): Canonized {
  const nodes: LrpNode[] = [];
  const backbone = model.backbone, addOn = model.addOn;
  for (const n of backbone.keptNodes) nodes.push({ id: n.id, node: n, inputs: [...n.inputs], from: backbone });
  const cut = backbone.cutNodeIds[backbone.cutNodeIds.length - 1]!;
  for (const n of addOn.keptNodes) {
    nodes.push({ id: ADD_ON + n.id, node: n, inputs: n.inputs.map((i) => (i === INPUT ? cut : ADD_ON + i)), from: addOn });
  }
  const output = ADD_ON + addOn.cutNodeIds[addOn.cutNodeIds.length - 1]!;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const readers = new Map<string, number>();
  for (const n of nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  for (const n of nodes) if (n.node.op.type === 'conv2d' && n.inputs.includes(INPUT)) n.first = true;

  const foldedConvs = new Map<string, [Tensor4D, Tensor1D]>();
  for (const n of nodes) {
    if (n.node.op.type !== 'batchNorm2d') continue;
    const src = byId.get(n.inputs[0]!);
    // fold only into a convolution whose output nothing else reads (it would otherwise see the unfolded values)
    if (!src || src.node.op.type !== 'conv2d' || readers.get(src.id) !== 1 || src.from !== n.from) continue;
    const conv = src.node.op;
    const eps = n.node.op.eps;
    const p = (node: LrpNode, suffix: string) => node.from.variable(`${node.node.id}.${suffix}`);
    foldedConvs.set(src.id, tf.tidy(() => {
      const scale = tf.div(p(n, 'weight'), tf.sqrt(tf.add(p(n, 'running_var'), eps))) as Tensor1D; // γ/√(σ²+ε) per output channel
      const w = tf.mul(p(src, 'weight'), scale) as Tensor4D; // tfjs filters are [kh, kw, in, out]: broadcasts over out
      const b0 = conv.bias ? p(src, 'bias') : tf.zeros([conv.outChannels]);
      const b = tf.add(tf.mul(tf.sub(b0, p(n, 'running_mean')), scale), p(n, 'bias')) as Tensor1D;
      return [tf.keep(w), tf.keep(b)] as [Tensor4D, Tensor1D];
    }));
    n.folded = true;
  }
  return {
    nodes, output, foldedConvs,
    dispose: () => {
      for (const [w, b] of foldedConvs.values()) tf.dispose([w, b] as Tensor[]);
      foldedConvs.clear();
    },
  };
}
