/**
 * Automatic micro-batching: the wasm backend has a 4 GiB heap, so a training batch whose activations and
 * gradients would not fit is split into micro-batches whose gradients are summed (same update, except that
 * batch-norm statistics are per micro-batch). Estimates come from the symbolic shapes of the network.
 */
import { inferShapes, stageNode } from '@pixpnet/symbolic';
import type { ProtoNet } from '@pixpnet/models';

/** Bytes the wasm heap may use for one training step (of its 4 GiB; the rest holds weights, data and fragmentation). */
export const WASM_STEP_BUDGET = 2.5 * 2 ** 30;

/** Estimated bytes per sample of a training step: every activation kept for the backward pass, its gradient and temporaries. */
export function bytesPerSample(model: ProtoNet): number {
  const [h, w] = model.config.inputSize;
  let floats = 0;
  const shapes = inferShapes(model.backbone.graph, h, w);
  const order = model.backbone.graph.nodes.map((n) => n.id);
  const cut = order.indexOf(stageNode(model.backbone.graph, model.config.featureLayer));
  for (const id of order.slice(0, cut + 1)) {
    const s = shapes.get(id);
    if (s) floats += s.kind === 'map' ? s.c * s.h * s.w : s.features;
  }
  const [hz, wz] = model.latentGrid;
  floats += hz * wz * (model.config.prototypeDim * 3 + model.config.numPrototypes * 4);
  return floats * 4 * 3;
}

/** Parameter bytes with gradients and two optimizer moments. */
export function parameterBytes(model: ProtoNet): number {
  return model.trainableVariables().reduce((a, v) => a + v.size, 0) * 4 * 4;
}

/** The largest micro-batch (≤ `batchSize`) that fits the budget; `Infinity` budget means no limit. */
export function microBatchSize(model: ProtoNet, batchSize: number, budget: number): number {
  if (!Number.isFinite(budget)) return batchSize;
  const per = bytesPerSample(model);
  const room = budget - parameterBytes(model);
  return Math.max(1, Math.min(batchSize, Math.floor(room / per)));
}
