/**
 * PRP heat maps (spec §6.7): relevance propagated from a prototype's best similarity back to the pixels through the
 * canonised network, by an explicit backward pass over the graph IR (one rule per op). The model is not modified:
 * the canonised weights are copies, and it can run inference right after.
 */
import { conv2d, tf } from '@pixpnet/engine';
import type { Tensor, Tensor4D } from '@pixpnet/engine';
import { EXECUTORS } from '@pixpnet/models';
import type { ProtoNet } from '@pixpnet/models';
import { INPUT } from '@pixpnet/symbolic';
import type { Conv2dOp, Op } from '@pixpnet/symbolic';
import { canonize } from './canonize.js';
import type { Canonized, LrpNode } from './canonize.js';
import { ruleFor } from './rules/registry.js';
import type { RuleOptions } from './rules/types.js';
import { latentRelevance } from './prototype.js';

/** ImageNet normalisation: the z^B bounds of the input rule (the reference uses them for every dataset). */
export const IMAGENET_BOUNDS: [number, number] = (() => {
  const mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
  return [Math.min(...mean.map((m, c) => -m / std[c]!)), Math.max(...mean.map((m, c) => (1 - m) / std[c]!))];
})();

/** Options of {@link prpHeatmaps}. */
export interface PrpOptions {
  /** The reference's input rule: the input convolution takes the β=0 conv rule (its z^B rule never fired). */
  legacyInputRule?: boolean;
  /** The reference's bug: the map of the k-th requested prototype is the sum of the maps of the first k. */
  legacyCumulative?: boolean;
  /** Pixel bounds `[l, h]` of the z^B rule (default: ImageNet's normalised [0, 1] range, as the reference). */
  inputBounds?: [number, number];
  /** Stabiliser of the ε-rules, default 1e-6. */
  epsilon?: number;
}

/** Every node's rule is known before any work: an op without one is refused naming it. */
function checkRules(net: Canonized): void {
  for (const n of net.nodes) if (!n.folded) ruleFor(n.id, n.node.op as { type: Op['type']; fn?: string });
}

/** The forward computation of one canonised node on given inputs. */
function forwardOf(net: Canonized, n: LrpNode): (inputs: Tensor[]) => Tensor {
  if (n.folded) return ([x]) => x!;
  const op = n.node.op;
  const folded = net.foldedConvs.get(n.id);
  if (op.type === 'conv2d') {
    const c = op as Conv2dOp;
    const w = folded?.[0] ?? n.from.variable(`${n.node.id}.weight`);
    const b = folded?.[1] ?? (c.bias ? n.from.variable(`${n.node.id}.bias`) : undefined);
    return ([x]) => {
      const y = conv2d(x as Tensor4D, w as Tensor4D, { strides: c.stride, padding: c.padding, dilations: c.dilation, groups: c.groups });
      return b ? tf.add(y, b) : y;
    };
  }
  const exec = EXECUTORS[op.type] as unknown as (o: Op, inputs: Tensor[], ctx: unknown) => Tensor;
  const ctx = {
    id: n.node.id, training: false,
    param: (suffix: string) => n.from.variable(suffix ? `${n.node.id}.${suffix}` : n.node.id),
    setBuffer: () => undefined,
  };
  return (inputs) => exec(op, inputs, ctx);
}

/**
 * PRP maps of `prototypes` for every image of `images` (`N × H × W × 3`, normalised): `N × K × H × W` float32
 * (image-major, then the prototypes in the given order), each summed over RGB. Each prototype's map comes from a
 * fresh unit relevance at its best-matching latent cell (unless `legacyCumulative`). No tensor is left behind.
 */
export function prpHeatmaps(model: ProtoNet, images: Tensor4D, prototypes: readonly number[], options: PrpOptions = {}): Float32Array {
  const P = model.config.numPrototypes;
  for (const p of prototypes) if (!Number.isInteger(p) || p < 0 || p >= P) throw new Error(`prpHeatmaps: prototype ${p} is not one of the model's ${P} (0–${P - 1}).`);
  const [N, H, W] = images.shape;
  const K = prototypes.length;
  const out = new Float32Array(N * K * H * W);
  if (!K || !N) return out;
  const net = canonize(model);
  try {
    checkRules(net);
    const forwards = new Map(net.nodes.map((n) => [n.id, forwardOf(net, n)]));
    const ruleOptions = { epsilon: options.epsilon ?? 1e-6, inputBounds: options.inputBounds ?? IMAGENET_BOUNDS, legacyInputRule: options.legacyInputRule ?? false };
    // one forward, every activation kept for the backward passes
    const acts = new Map<string, Tensor>([[INPUT, images]]);
    try {
      for (const n of net.nodes) acts.set(n.id, tf.tidy(() => forwards.get(n.id)!(n.inputs.map((i) => acts.get(i)!))));
      const z = acts.get(net.output)! as Tensor4D;
      // which activations have no negative value: the conv rule then skips its x⁻ half (one read per activation)
      const nonNegative = new Map<string, boolean>();
      for (const n of net.nodes) {
        if (n.node.op.type !== 'conv2d') continue;
        for (const id of n.inputs) if (!nonNegative.has(id)) nonNegative.set(id, tf.tidy(() => tf.min(acts.get(id)!).dataSync()[0]! >= 0));
      }
      const cumulative = new Float32Array(N * H * W);
      prototypes.forEach((p, k) => {
        const map = tf.tidy(() => {
          const rel = new Map<string, Tensor>([[net.output, latentRelevance(model, z, p)]]);
          for (let i = net.nodes.length - 1; i >= 0; i--) {
            const n = net.nodes[i]!;
            const r = rel.get(n.id);
            if (!r) continue;
            rel.delete(n.id);
            const inputs = n.inputs.map((id) => acts.get(id)!);
            const folded = net.foldedConvs.get(n.id);
            const weight = folded?.[0] ?? (n.node.op.type === 'conv2d' ? n.from.variable(`${n.node.id}.weight`) : undefined);
            const rule = n.folded ? (({ relevance }: { relevance: Tensor }) => [relevance]) : ruleFor(n.id, n.node.op as { type: Op['type']; fn?: string });
            const options: RuleOptions = { ...ruleOptions, first: n.first ?? false };
            const rIn = (rule as (x: unknown) => Array<Tensor | undefined>)({
              op: n.node.op, inputs, relevance: r, forward: forwards.get(n.id)!, weight, options, id: n.id, nonNegative: n.inputs.map((id) => nonNegative.get(id) ?? false),
            });
            n.inputs.forEach((id, j) => {
              const add = rIn[j];
              if (!add) return;
              const prev = rel.get(id);
              rel.set(id, prev ? tf.add(prev, add) : add);
            });
          }
          return tf.sum(rel.get(INPUT)!, 3); // N × H × W
        });
        const data = map.dataSync() as Float32Array;
        map.dispose();
        for (let n = 0; n < N; n++) {
          const one = data.subarray(n * H * W, (n + 1) * H * W);
          const dst = out.subarray((n * K + k) * H * W, (n * K + k + 1) * H * W);
          if (options.legacyCumulative) {
            const acc = cumulative.subarray(n * H * W, (n + 1) * H * W);
            for (let i = 0; i < acc.length; i++) acc[i]! += one[i]!;
            dst.set(acc);
          } else dst.set(one);
        }
      });
    } finally {
      tf.dispose([...new Set(acts.values())].filter((t) => t !== images)); // an identity may hand on its input
    }
  } finally {
    net.dispose();
  }
  return out;
}
