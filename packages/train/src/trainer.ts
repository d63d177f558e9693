/**
 * The PixPNet fit loop (spec §3.5): warm-only then joint epochs, validation when due, push after the first, every
 * `push-every`-th and the last epoch, readout fine-tuning after a push, an atomic checkpoint after every epoch,
 * then the test. Gradient accumulation, micro-batching, gradient clipping and an abort on a non-finite loss.
 */
import path from 'node:path';
import { tf } from '@pixpnet/engine';
import type { Tensor, Tensor1D, Tensor4D, Variable } from '@pixpnet/engine';
import { layerwiseGradients } from '@pixpnet/models';
import type { ProtoNet } from '@pixpnet/models';
import type { Batch, DataLoader } from '@pixpnet/data';
import { protoLosses } from './losses.js';
import type { LossCoefficients, LossTerms } from './losses.js';
import { lrMultiplier } from './schedule.js';
import type { GroupedOptimizer } from './optimizers.js';
import { pushPrototypes } from './push.js';
import { MetricAccumulator, batchAccuracy } from './metrics.js';
import { removeStaleCheckpoints, saveCheckpoint } from './checkpoint.js';
import { addGradients } from './batch.js';
import { chunks, rows } from '@pixpnet/engine';
import type { LoopState } from './checkpoint.js';
import type { Settings } from './settings.js';
import type { Phase, TrainEvent } from './events.js';

/** Raised when the loss becomes NaN or infinite. */
export class DivergedError extends Error {}

/** Everything the loop works on. */
export interface LoopInputs {
  settings: Settings;
  config: Record<string, unknown>;
  model: ProtoNet;
  optimizer: GroupedOptimizer;
  loaders: { train: DataLoader; val?: DataLoader; test: DataLoader; push?: DataLoader };
  /** Cap on batches per split (`--debug`: 3). */
  maxBatches?: number;
  /** Caps of some loaders' batches (`--train.limit-batches`, `--test.limit-batches`), below `maxBatches`. */
  batchLimits?: Map<DataLoader, number>;
  /** Micro-batch size of training steps (≤ batch size). */
  microBatch: number;
  /** Micro-batch size of evaluation and push forwards (default: whole batches). */
  evalMicroBatch?: number;
  checkpointDir: string;
  state: LoopState;
  emit: (e: TrainEvent) => void;
  /** True when the subscriber has gone: stop at the next batch. */
  cancelled: () => boolean;
}

const LOSS_NAMES: Array<[keyof LossTerms, string, keyof LossCoefficients | undefined]> = [
  ['xent', 'xent', 'xent'], ['cluster', 'cluster_loss', 'cluster'], ['separation', 'separation_loss', 'separation'],
  ['avgSeparation', 'avg_separation_loss', undefined], ['l1', 'l1_loss', 'l1'],
];

/** Loss values of one batch by metric key (without prefix), with the weighted copies of spec §3.7. */
function lossValues(terms: LossTerms, c: Required<LossCoefficients>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [field, key, coef] of LOSS_NAMES) {
    const t = terms[field];
    if (!t) continue;
    const v = t.dataSync()[0]!;
    out[key] = v;
    if (coef) out[`${key}_weighted`] = v * c[coef];
  }
  out['total_loss'] = terms.total.dataSync()[0]!;
  return out;
}

/** The labels of a batch's items, from the loader's samples. */
function labelsOf(loader: DataLoader, batch: Batch): Int32Array {
  return Int32Array.from(batch.indices.map((i) => loader.samples[i]!.label));
}

/**
 * The fit loop's state machine: `fit()` trains from `state.epoch` to the last epoch (a checkpoint after each),
 * `evaluate()` runs a validation or test split; the caller tests after fitting.
 */
export class FitLoop {
  private readonly s: Settings;
  private readonly coef: Required<LossCoefficients>;
  private lastCheckpoint?: string;

  /** The loop's inputs; `model` may be swapped (e.g. for one reloaded from a checkpoint) between phases. */
  constructor(readonly io: LoopInputs) {
    this.s = io.settings;
    this.coef = { ...io.settings.loss };
  }

  private lrs(): number[] {
    return this.io.optimizer.groups.map((g) => g.hp.lr);
  }

  private emitRow(epoch: number, values: Record<string, number>): void {
    this.io.state.csvRows++;
    this.io.emit({ type: 'metrics', epoch, step: this.io.state.globalStep, values });
  }

  /** The most batches of `loader` a pass takes. */
  private limitOf(loader: DataLoader): number {
    return Math.min(this.io.maxBatches ?? Infinity, this.io.batchLimits?.get(loader) ?? Infinity);
  }

  private async *batches(loader: DataLoader, epochId: number): AsyncGenerator<Batch> {
    loader.epoch = epochId;
    const limit = this.limitOf(loader);
    let k = 0;
    for await (const b of loader) {
      if (k >= limit) {
        tf.dispose([b.x, b.y]);
        break;
      }
      k++;
      yield b;
    }
  }

  private batchCount(loader: DataLoader): number {
    return Math.min(loader.length, this.limitOf(loader));
  }

  /** Variables that get gradients in a phase (the readout phase only moves the readout, spec §3.5). */
  private trainables(phase: Phase): Variable[] {
    const g = this.io.model.variableGroups();
    if (phase === 'readout') return g.readout;
    return [...(phase === 'joint' ? g.backbone : []), ...g.addOn, ...g.prototypes, ...g.readout];
  }

  /** Forward + backward of one batch in micro-batches; returns summed gradients (scaled by `scale`) and the metric values. */
  private gradients(x: Tensor4D, y: Tensor1D, vars: Variable[], scale: number): {
    grads: tf.NamedTensorMap; values: Record<string, number>; predicted: Int32Array; forward: Record<string, Float32Array>;
  } {
    const n = x.shape[0];
    if (this.io.microBatch < n && this.s.train.batchNorm === 'whole-batch') return this.wholeBatchGradients(x, y, vars, scale);
    let grads: tf.NamedTensorMap | undefined;
    const values: Record<string, number> = {};
    const predicted = new Int32Array(n);
    const forward: Record<string, Float32Array> = {};
    try {
      for (const [start, len] of chunks(n, this.io.microBatch)) {
        const xs = rows(x, start, len), ys = rows(y, start, len);
        try {
          const part = this.microStep(xs, ys, vars, (scale * len) / n, this.s.tbLogging && start === 0 ? forward : undefined);
          grads = grads ? addGradients(grads, part.grads) : part.grads;
          for (const [k, v] of Object.entries(part.values)) values[k] = (values[k] ?? 0) + (v * len) / n;
          predicted.set(part.predicted, start);
        } finally {
          if (xs !== x) tf.dispose([xs, ys]);
        }
      }
    } catch (e) {
      if (grads) tf.dispose(Object.values(grads));
      throw e;
    }
    return { grads: grads!, values, predicted, forward };
  }

  /**
   * The step of a batch larger than a micro-batch with batch norm over the whole batch (`--train.batch-norm
   * whole-batch`): the backbone node by node over the micro-batches, the head and the losses per micro-batch.
   */
  private wholeBatchGradients(x: Tensor4D, y: Tensor1D, vars: Variable[], scale: number): {
    grads: tf.NamedTensorMap; values: Record<string, number>; predicted: Int32Array; forward: Record<string, Float32Array>;
  } {
    const model = this.io.model;
    const n = x.shape[0];
    const inBackbone = new Set(model.variableGroups().backbone.map((v) => v.name));
    const values: Record<string, number> = {};
    const predicted = new Int32Array(n);
    const forward: Record<string, Float32Array> = {};
    const { grads } = layerwiseGradients(model.backbone, x, this.io.microBatch, (f, start, len) => {
      const out = model.headForward(f, { training: true });
      if (this.s.tbLogging && start === 0) for (const [k, t] of Object.entries(out)) if (t.dtype === 'float32') forward[`forward/${k}`] = t.dataSync() as Float32Array;
      const terms = protoLosses(model, out.logits, out.minDistances, rows(y, start, len), this.coef);
      for (const [k, v] of Object.entries(lossValues(terms, this.coef))) values[k] = (values[k] ?? 0) + (v * len) / n;
      predicted.set(tf.argMax(out.logits, 1).dataSync() as Int32Array, start);
      return tf.mul(terms.total, (scale * len) / n) as tf.Scalar;
    }, vars.filter((v) => inBackbone.has(v.name)), vars.filter((v) => !inBackbone.has(v.name)));
    return { grads, values, predicted, forward };
  }

  /** Forward + backward of one micro-batch, its loss weighted by `weight`; fills `forward` with the forward results when given. */
  private microStep(x: Tensor4D, y: Tensor1D, vars: Variable[], weight: number, forward?: Record<string, Float32Array>): {
    grads: tf.NamedTensorMap; values: Record<string, number>; predicted: Int32Array;
  } {
    let terms: LossTerms | undefined;
    let predicted: Tensor | undefined;
    try {
      const { value, grads } = tf.variableGrads(() => {
        const out = this.io.model.forward(x, { training: true });
        if (forward) for (const [k, t] of Object.entries(out)) if (t.dtype === 'float32') forward[`forward/${k}`] = t.dataSync() as Float32Array;
        terms = protoLosses(this.io.model, out.logits, out.minDistances, y, this.coef);
        predicted = tf.keep(tf.argMax(out.logits, 1));
        for (const t of Object.values(terms)) tf.keep(t);
        return tf.mul(terms.total, weight) as tf.Scalar;
      }, vars);
      value.dispose();
      return { grads, values: lossValues(terms!, this.coef), predicted: predicted!.dataSync() as Int32Array };
    } finally {
      tf.dispose([...(predicted ? [predicted] : []), ...(terms ? Object.values(terms) : [])]);
    }
  }

  /** Clips gradients to a global norm (torch `clip_grad_norm_`: coefficient `max/(norm + 1e-6)` when below 1). */
  private clip(grads: tf.NamedTensorMap): tf.NamedTensorMap {
    const max = this.s.train.gradientClipNorm;
    if (max === undefined) return grads;
    const total = tf.tidy(() => Math.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0]!));
    const coef = max / (total + 1e-6);
    if (coef >= 1) return grads;
    const out: tf.NamedTensorMap = {};
    for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, coef);
    tf.dispose(Object.values(grads));
    return out;
  }

  /** `--debug` anomaly detection: names the first parameter whose gradient is not finite. */
  private checkGradients(grads: tf.NamedTensorMap, epoch: number, batch: number): void {
    for (const [name, g] of Object.entries(grads)) {
      const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(g))).dataSync()[0]);
      if (bad) {
        tf.dispose(Object.values(grads));
        const param = name.replace(/^[^/]*\//, ''); // tfjs names are '<model instance>/<parameter>'
        throw new DivergedError(`--debug: the gradient of ${param} is not finite at epoch ${epoch}, batch ${batch} (step ${this.io.state.globalStep}) although the loss is. ` +
          'Start a new run with a lower --optimizer.lr or with --train.gradient-clip-norm.');
      }
    }
  }

  /** `--tb-logging`: the forward results, the add-on weights and the prototypes with their gradients (spec §3.7). */
  private emitHistograms(forward: Record<string, Float32Array>, grads: tf.NamedTensorMap): void {
    const m = this.io.model;
    const values: Record<string, Float32Array> = { ...forward };
    const add = (tag: string, v: Variable) => {
      values[tag] = v.dataSync() as Float32Array;
      const g = grads[v.name];
      if (g) values[`${tag}.grad`] = g.dataSync() as Float32Array;
    };
    for (const [k, v] of m.addOn.variables()) if (k.endsWith('.weight')) add(`add_on_layers.${k}`, v);
    add('prototype_vectors', m.prototypes);
    this.io.emit({ type: 'histograms', step: this.io.state.globalStep, values });
  }

  /** One pass over the training loader. */
  private async trainEpoch(epoch: number, phase: Phase, readoutEpoch?: number): Promise<Record<string, number>> {
    const { io, s } = this;
    const loader = io.loaders.train;
    const batches = this.batchCount(loader);
    io.emit({ type: 'epochStart', epoch, phase, ...(readoutEpoch !== undefined ? { readoutEpoch } : {}), batches, lrs: this.lrs() });
    const vars = this.trainables(phase);
    const k = s.train.accumulateGradBatches;
    const acc = new MetricAccumulator(io.model.config.numClasses);
    let pending: tf.NamedTensorMap | undefined;
    let inGroup = 0;
    let b = 0;
    // readout epochs replay distinct seeded epochs of the loader, so a resumed run draws the same augmentations
    const epochId = phase === 'readout' ? 1_000_000 + epoch * 1000 + readoutEpoch! : epoch;
    for await (const batch of this.batches(loader, epochId)) {
      if (io.cancelled()) {
        tf.dispose([batch.x, batch.y]);
        break;
      }
      const t0 = performance.now();
      const images = batch.x.shape[0];
      let step;
      try {
        step = this.gradients(batch.x, batch.y, vars, 1 / k);
      } catch (e) {
        if (pending) tf.dispose(Object.values(pending));
        throw e;
      } finally {
        tf.dispose([batch.x, batch.y]);
      }
      const labels = labelsOf(loader, batch);
      const total = step.values['total_loss']!;
      if (!Number.isFinite(total)) {
        tf.dispose(Object.values(step.grads));
        tf.dispose(pending ? Object.values(pending) : []);
        throw new DivergedError(`train_total_loss is ${total} at epoch ${epoch}, batch ${b} (step ${io.state.globalStep}): training diverged. ` +
          'Start a new run with a lower --optimizer.lr or with --train.gradient-clip-norm (--resume would keep this configuration), or check the input data.');
      }
      pending = pending ? addGradients(pending, step.grads) : step.grads;
      inGroup++;
      b++;
      if (inGroup === k || b === batches) {
        if (s.debug) this.checkGradients(pending, epoch, b);
        const clipped = this.clip(pending);
        if (s.tbLogging) this.emitHistograms(step.forward, clipped);
        if (phase === 'readout') io.optimizer.applyReadout(clipped);
        else io.optimizer.apply(clipped);
        tf.dispose(Object.values(clipped));
        pending = undefined;
        inGroup = 0;
        io.state.globalStep++;
      }
      acc.add(step.values, step.predicted, labels);
      const metrics: Record<string, number> = {};
      for (const [key, v] of Object.entries(step.values)) metrics[`train_${key}`] = v;
      Object.assign(metrics, batchAccuracy(step.predicted, labels, io.model.config.numClasses, 'train'));
      const lrs = this.lrs();
      io.emit({ type: 'step', epoch, phase, globalStep: io.state.globalStep, batch: b, batches, images, metrics, lrs, seconds: (performance.now() - t0) / 1000 });
      this.emitRow(epoch, { ...metrics, ...Object.fromEntries(lrs.map((lr, i) => [`hp/lr_group_${i}`, lr])) });
    }
    if (pending) tf.dispose(Object.values(pending));
    return acc.result('train');
  }

  /** Evaluation over a loader (eval mode): mean losses and accuracies with the split's prefix. */
  async evaluate(loader: DataLoader, prefix: 'val' | 'test', timed = false, epochId = 0, epoch?: number): Promise<Record<string, number>> {
    const { io } = this;
    const acc = new MetricAccumulator(io.model.config.numClasses);
    const total = this.batchCount(loader);
    const stage = prefix === 'val' ? 'validation' : 'test';
    let done = 0;
    io.emit({ type: 'progress', stage, ...(epoch !== undefined ? { epoch } : {}), done, total, images: 0 }); // the stage begins
    for await (const batch of this.batches(loader, epochId)) {
      const t0 = performance.now();
      const labels = labelsOf(loader, batch);
      const n = batch.x.shape[0];
      try {
        for (const [start, len] of chunks(n, io.evalMicroBatch ?? n)) {
          const values = tf.tidy(() => {
            const x = rows(batch.x, start, len), y = rows(batch.y, start, len);
            const out = io.model.forward(x, { training: false });
            const pred = tf.argMax(out.logits, 1);
            const terms = protoLosses(io.model, out.logits, out.minDistances, y, this.coef);
            return { vals: lossValues(terms, this.coef), pred: pred.dataSync() as Int32Array };
          });
          acc.add(values.vals, values.pred, labels.subarray(start, start + len));
        }
      } finally {
        tf.dispose([batch.x, batch.y]);
      }
      io.emit({ type: 'progress', stage, ...(epoch !== undefined ? { epoch } : {}), done: ++done, total, images: n });
      if (timed) {
        io.state.inference.calls++;
        io.state.inference.samples += n;
        io.state.inference.seconds += (performance.now() - t0) / 1000;
      }
    }
    return acc.result(prefix);
  }

  private async push(epoch: number): Promise<void> {
    const { io } = this;
    const t0 = performance.now();
    const loader = io.loaders.push!;
    const self = this;
    const total = this.batchCount(loader);
    let done = 0;
    io.emit({ type: 'progress', stage: 'push', epoch, done, total, images: 0 }); // the stage begins
    async function* pushBatches() {
      for await (const b of self.batches(loader, 0)) {
        try {
          yield { x: b.x, y: labelsOf(loader, b), indices: b.indices };
        } finally {
          io.emit({ type: 'progress', stage: 'push', epoch, done: ++done, total, images: b.indices.length });
          tf.dispose([b.x, b.y]);
        }
      }
    }
    const stats = await pushPrototypes(io.model, pushBatches(), this.s.train.pushDuplicateFilter, io.evalMicroBatch);
    io.emit({ type: 'push', epoch, prototypes: io.model.config.numPrototypes, stats, seconds: (performance.now() - t0) / 1000 });
  }

  /** Writes the epoch's checkpoint atomically and removes the previous one. */
  async checkpoint(epoch: number): Promise<string> {
    const { io } = this;
    const file = path.join(io.checkpointDir, `epoch=${epoch}-step=${io.state.globalStep}.ckpt`);
    await saveCheckpoint(file, io.model, io.optimizer, io.config, io.state);
    removeStaleCheckpoints(io.checkpointDir, file);
    this.lastCheckpoint = file;
    io.emit({ type: 'checkpoint', epoch, globalStep: io.state.globalStep, path: file });
    return file;
  }

  /** Trains the remaining epochs; returns the last checkpoint written. */
  async fit(existingCheckpoint?: string): Promise<string | undefined> {
    const { io, s } = this;
    this.lastCheckpoint = existingCheckpoint;
    const E = s.train.epochs, W = s.optimizer.warmupPeriod;
    for (let epoch = io.state.epoch; epoch < E && !io.cancelled(); epoch++) {
      const t0 = performance.now();
      const e1 = epoch + 1;
      const phase: Phase = e1 <= W ? 'warm' : 'joint';
      io.optimizer.setLrMultiplier(lrMultiplier(epoch, { scheduler: s.optimizer.lrScheduler, epochs: E, lrSchedule: s.optimizer.lrSchedule, lrFactor: s.optimizer.lrFactor, warmupPeriod: W }));
      const trainMetrics = await this.trainEpoch(epoch, phase);
      if (io.cancelled()) break;
      if (io.loaders.val && e1 % s.train.valEveryNEpoch === 0) {
        // distinct seeded epochs, for validation on training-augmented images (--dataset.legacy-val-augment)
        const metrics = await this.evaluate(io.loaders.val, 'val', true, 2_000_000 + epoch, epoch);
        io.emit({ type: 'validation', epoch, metrics });
        this.emitRow(epoch, metrics);
      }
      if (s.train.pushPrototypes && (e1 % s.train.pushEvery === 0 || e1 === 1 || e1 === E)) {
        await this.push(epoch);
        const m = io.model;
        const lastLayer = s.train.readoutPushEpochs > 0 && m.config.readout !== 'proto' && m.readout !== undefined;
        if (lastLayer) {
          for (let r = 0; r < s.train.readoutPushEpochs && !io.cancelled(); r++) await this.trainEpoch(epoch, 'readout', r);
        }
        // the epoch's validation above saw the model before the push; the model kept (and tested) is this one
        if (io.loaders.val && e1 % s.train.valEveryNEpoch === 0 && !io.cancelled()) {
          io.emit({ type: 'validationAfterPush', epoch, lastLayer, metrics: await this.evaluate(io.loaders.val, 'val', false, 2_000_000 + epoch, epoch) });
        }
      }
      if (io.cancelled()) break;
      const seconds = (performance.now() - t0) / 1000;
      io.state.epochSeconds.push(seconds);
      io.state.epoch = epoch + 1;
      io.emit({ type: 'epochEnd', epoch, metrics: trainMetrics, seconds });
      await this.checkpoint(epoch);
    }
    return this.lastCheckpoint;
  }
}
