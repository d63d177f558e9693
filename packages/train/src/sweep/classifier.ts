/**
 * One row of a sweep: a backbone cut at a stage, with global average pooling and a linear head (or, cut at the
 * network's final linear layer, that layer replaced by a new one with the same inputs), the whole network trained
 * with Adam, then tested for top-1 and top-5 accuracy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chunks, log, tf } from '@pixpnet/engine';
import type { Tensor, Tensor2D, Tensor4D, Variable } from '@pixpnet/engine';
import { Backbone, activationFloats, graphMacs, trainingBytes, WASM_STEP_BUDGET } from '@pixpnet/models';
import { defaultPretrained, loadPretrained } from '@pixpnet/models/node';
import { inferShapes, stageNode, zooModel, zooPatchPcts } from '@pixpnet/symbolic';
import type { Graph } from '@pixpnet/symbolic';
import type { BatchSource } from './memory.js';

/** What {@link trainRow} is given. */
export interface RowJob {
  model: string;
  stage: string;
  inputSize: number;
  numClasses: number;
  epochs: number;
  lr: number;
  /** `hf`, a folder of `<model>.safetensors`, or false. */
  pretrained: string | false;
  seed: number;
  train: BatchSource;
  test: BatchSource;
  /** Batches per split (debug). */
  maxBatches?: number;
  /** Bytes one step may use (micro-batching), default the wasm budget. */
  stepBudget?: number;
  /** Called after each training batch. */
  onBatch?: (done: number, total: number) => void;
}

/** What a row measured. */
export interface RowResult {
  top1: number;
  top5: number;
  patchPct: number;
  params: number;
  macs: number;
  trainSeconds: number;
  /** The weights it started from, or `no`. */
  pretrained: string;
}

const FEATURES = '__features_before_final_linear';

/** The graph and the cut for a stage: the final linear layer is cut before, to be replaced. */
function cutFor(model: string, stage: string): { graph: Graph; cut: string } {
  const graph = zooModel(model);
  const id = stageNode(graph, stage);
  const node = graph.nodes.find((n) => n.id === id)!;
  const last = graph.stages[graph.stages.length - 1]![1];
  if (node.op.type === 'linear' && id === last) return { graph: { ...graph, stages: [...graph.stages, [FEATURES, node.inputs[0]!]] }, cut: FEATURES };
  return { graph, cut: stage };
}

/** The pretrained weights of `model` under `spec`, if there are any. */
function weightsSpec(model: string, spec: string | false): string | undefined {
  if (!spec) return undefined;
  if (spec === 'hf') return defaultPretrained(model);
  const file = path.join(spec, `${model}.safetensors`);
  return fs.existsSync(file) ? file : undefined;
}

/** Trains and tests one row (see the module comment). Every tensor is disposed, also on failure. */
export async function trainRow(job: RowJob): Promise<RowResult> {
  const { graph, cut } = cutFor(job.model, job.stage);
  const size = job.inputSize;
  const shape = inferShapes(graph, size, size).get(stageNode(graph, cut))!;
  const features = shape.kind === 'map' ? shape.c : shape.features;
  const source = weightsSpec(job.model, job.pretrained);
  const weights = source ? await loadPretrained(source) : undefined;
  const backbone = new Backbone(graph, { cut, seed: job.seed, ...(weights ? { weights, weightsSource: source } : {}) });
  const limit = Math.sqrt(6 / (features + job.numClasses));
  // (a variable holds its own reference to its initial value: the initial tensors are disposed by the tidy)
  const [w, b] = tf.tidy(() => [
    tf.variable(tf.randomUniform([features, job.numClasses], -limit, limit, 'float32', job.seed + 1), true),
    tf.variable(tf.zeros([job.numClasses]), true),
  ]) as [Variable, Variable];
  const vars = [...backbone.trainableVariables(), w, b];
  const optimizer = tf.train.adam(job.lr);
  try {
    const logits = (x: Tensor4D, training: boolean): Tensor2D => {
      const out = backbone.forward(x, { training })[cut]!;
      const feat = out.rank === 4 ? tf.mean(out, [1, 2]) : tf.reshape(out, [out.shape[0]!, features]);
      return tf.add(tf.matMul(feat as Tensor2D, w), b) as Tensor2D;
    };
    const perSample = trainingBytes(activationFloats(graph, stageNode(graph, cut), size, size) + features);
    const paramBytes = vars.reduce((a, v) => a + v.size, 0) * 16;
    const budget = job.stepBudget ?? WASM_STEP_BUDGET;
    if (paramBytes >= budget) throw new Error(`too large to train within the ${(budget / 2 ** 30).toFixed(1)} GiB step budget`);
    const micro = Math.max(1, Math.floor((budget - paramBytes) / perSample));
    const perEpoch = Math.min(job.train.length, job.maxBatches ?? Infinity);
    const t0 = performance.now();
    let done = 0;
    for (let e = 0; e < job.epochs; e++) {
      let k = 0;
      for await (const batch of job.train) {
        try {
          if (k++ >= perEpoch) continue;
          const n = batch.x.shape[0];
          const grads = new Map<string, Tensor>();
          for (const [start, count] of chunks(n, micro)) {
            const { grads: g, value } = tf.variableGrads(() => tf.tidy(() => {
              const x = tf.slice(batch.x, [start, 0, 0, 0], [count, -1, -1, -1]) as Tensor4D;
              const y = tf.oneHot(tf.slice(batch.y, [start], [count]), job.numClasses);
              return tf.mul(tf.losses.softmaxCrossEntropy(y, logits(x, true)), count / n) as tf.Scalar;
            }), vars);
            value.dispose();
            for (const [name, t] of Object.entries(g)) {
              const prev = grads.get(name);
              grads.set(name, prev ? tf.tidy(() => tf.add(prev, t)) : t);
              if (prev) { prev.dispose(); t.dispose(); }
            }
          }
          optimizer.applyGradients(Object.fromEntries(grads) as unknown as Parameters<typeof optimizer.applyGradients>[0]);
          tf.dispose([...grads.values()]);
          job.onBatch?.(++done, perEpoch * job.epochs);
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
      }
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    let correct1 = 0, correct5 = 0, total = 0, k = 0;
    for await (const batch of job.test) {
      try {
        if (job.maxBatches !== undefined && k++ >= job.maxBatches) continue;
        for (const [start, count] of chunks(batch.x.shape[0], micro * 2)) {
          const [top, labels] = tf.tidy(() => {
            const x = tf.slice(batch.x, [start, 0, 0, 0], [count, -1, -1, -1]) as Tensor4D;
            return [tf.topk(logits(x, false), Math.min(5, job.numClasses)).indices.arraySync() as number[][], tf.slice(batch.y, [start], [count]).arraySync() as number[]];
          }) as unknown as [number[][], number[]];
          top.forEach((t, i) => { correct1 += t[0] === labels[i] ? 1 : 0; correct5 += t.includes(labels[i]!) ? 1 : 0; });
          total += count;
        }
      } finally {
        tf.dispose([batch.x, batch.y]);
      }
    }
    const kept = new Set(backbone.keptNodes.map((n) => n.id));
    const macs = graphMacs(graph, size, size, kept).reduce((a, [, m]) => a + m, 0) + features * job.numClasses;
    log.debug(`${job.model} ${job.stage}: ${micro} samples per micro-batch`);
    return {
      top1: total ? correct1 / total : NaN, top5: total ? correct5 / total : NaN, patchPct: zooPatchPcts(job.model, size, size, [job.stage])[job.stage]!,
      params: vars.reduce((a, v) => a + v.size, 0), macs, trainSeconds, pretrained: source ?? 'no',
    };
  } finally {
    optimizer.dispose();
    backbone.dispose();
    tf.dispose([w, b]);
  }
}
