/**
 * Automatic micro-batching: the wasm backend has a 4 GiB heap, so a training batch whose activations and
 * gradients would not fit is split into micro-batches whose gradients are summed (same update, except that
 * batch-norm statistics are per micro-batch). Estimates come from the symbolic shapes of the network.
 */
import { inferShapes, stageNode } from '@pixpnet/symbolic';
import type { Graph } from '@pixpnet/symbolic';
import type { ProtoNet } from './protonet/protonet.js';

/** Bytes the wasm heap may use for one training step (of its 4 GiB; the rest holds weights, data and fragmentation). */
export const WASM_STEP_BUDGET = 3 * 2 ** 30;

/**
 * Peak step memory per float of layer output, measured with `tf.profile` on wasm: VGG11-BN at 224² cut at
 * maxpool4 peaks at 430 MiB per sample for 90 MiB of node outputs (×4.8; small networks reach ×5.5). The tape
 * keeps every node's output, and the backward pass allocates gradients and kernel temporaries alongside.
 */
const PEAK_FACTOR = 6;

/** Floats of every node output up to `cutNode` (inclusive) for one `h × w` sample: what a training step's tape keeps. */
export function activationFloats(graph: Graph, cutNode: string, h: number, w: number): number {
  let floats = 0;
  const shapes = inferShapes(graph, h, w);
  const order = graph.nodes.map((n) => n.id);
  for (const id of order.slice(0, order.indexOf(cutNode) + 1)) {
    const s = shapes.get(id);
    if (s) floats += s.kind === 'map' ? s.c * s.h * s.w : s.features;
  }
  return floats;
}

/** Estimated peak bytes per sample of a training step of a network whose kept outputs hold `floats` per sample. */
export function trainingBytes(floats: number): number {
  return floats * 4 * PEAK_FACTOR;
}

/** Estimated peak bytes per sample of a training step: every activation kept for the backward pass, gradients and temporaries. */
export function bytesPerSample(model: ProtoNet): number {
  const [h, w] = model.config.inputSize;
  let floats = activationFloats(model.backbone.graph, stageNode(model.backbone.graph, model.config.featureLayer), h, w);
  const [hz, wz] = model.latentGrid;
  floats += hz * wz * (model.config.prototypeDim * 3 + model.config.numPrototypes * 4);
  return trainingBytes(floats);
}

/**
 * Estimated peak bytes per sample of an evaluation forward (no tape, but `tf.tidy` keeps a forward's
 * intermediates until it returns): the layer outputs and some temporaries.
 */
export function evalBytesPerSample(model: ProtoNet): number {
  return (bytesPerSample(model) / PEAK_FACTOR) * 2;
}

/** Parameter bytes with gradients and two optimizer moments. */
export function parameterBytes(model: ProtoNet): number {
  return model.trainableVariables().reduce((a, v) => a + v.size, 0) * 4 * 4;
}

/** The largest micro-batch (≤ `batchSize`) that fits the budget; `Infinity` budget means no limit. `eval`: for forwards without gradients. */
export function microBatchSize(model: ProtoNet, batchSize: number, budget: number, mode: 'train' | 'eval' = 'train'): number {
  if (!Number.isFinite(budget)) return batchSize;
  const per = mode === 'train' ? bytesPerSample(model) : evalBytesPerSample(model);
  const room = budget - parameterBytes(model);
  return Math.max(1, Math.min(batchSize, Math.floor(room / per)));
}
