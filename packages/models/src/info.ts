/** Model size and cost: parameters, megabytes and multiply-accumulates per image, computed analytically. */
import { inferShapes } from '@pixpnet/symbolic';
import type { Graph } from '@pixpnet/symbolic';
import type { Backbone } from './backbone.js';
import type { ProtoNet } from './protonet/protonet.js';

/** What {@link modelInfo} reports. */
export interface ModelInfo {
  trainableParams: number;
  totalParams: number;
  /** float32 size of every parameter and buffer, in MB (10^6 bytes). */
  sizeMB: number;
  /** Multiply-accumulates for one image of the given size. */
  macs: number;
  /** MACs per node id, in network order. */
  macsPerLayer: Array<[string, number]>;
}

/** MACs of the kept nodes of a graph at `H×W` (convolutions and linear layers; the rest is negligible). */
export function graphMacs(graph: Graph, height: number, width: number, keep?: ReadonlySet<string>): Array<[string, number]> {
  const shapes = inferShapes(graph, height, width);
  const out: Array<[string, number]> = [];
  for (const n of graph.nodes) {
    if (keep && !keep.has(n.id)) continue;
    const s = shapes.get(n.id)!, x = shapes.get(n.inputs[0]!)!;
    if (n.op.type === 'conv2d' && s.kind === 'map' && x.kind === 'map') {
      out.push([n.id, s.h * s.w * s.c * (x.c / n.op.groups) * n.op.kernel[0] * n.op.kernel[1]]);
    } else if (n.op.type === 'linear') {
      out.push([n.id, (x.kind === 'map' ? x.c * x.h * x.w : x.features) * n.op.outFeatures]);
    }
  }
  return out;
}

function count(b: Backbone): [number, number] {
  let t = 0, all = 0;
  for (const s of b.specs) {
    const n = s.tfShape.reduce((a, v) => a * v, 1);
    all += n;
    if (s.trainable) t += n;
  }
  return [t, all];
}

/** Parameters, size and MACs of a backbone or a whole ProtoNet at its input size. */
export function modelInfo(model: Backbone | ProtoNet, inputSize: [number, number] = [224, 224]): ModelInfo {
  const isProto = 'prototypes' in model;
  const backbone = isProto ? model.backbone : model;
  const [h, w] = isProto ? model.config.inputSize : inputSize;
  const keep = new Set(backbone.specs.map((s) => s.node));
  let [trainable, total] = count(backbone);
  const macsPerLayer = graphMacs(backbone.graph, h, w, keep);
  if (isProto) {
    const [at, aa] = count(model.addOn);
    const [hz, wz] = model.latentGrid;
    const { numPrototypes: P, prototypeDim: D, numClasses: C } = model.config;
    const readout = model.readout ? model.readout.size : 0;
    trainable += at + (model.config.learnPrototypes ? P * D : 0) + readout;
    total += aa + P * D + readout;
    for (const [id, m] of graphMacs(model.addOn.graph, hz, wz)) macsPerLayer.push([`add_on_layers.${id}`, m]);
    macsPerLayer.push(['prototypes', hz * wz * P * D], ['readout', readout ? P * C : 0]);
  }
  return { trainableParams: trainable, totalParams: total, sizeMB: (total * 4) / 1e6, macs: macsPerLayer.reduce((a, [, m]) => a + m, 0), macsPerLayer };
}
