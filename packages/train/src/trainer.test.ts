import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@pixpnet/engine';
import { DataLoader } from '@pixpnet/data';
import type { Sample, TransformPreset } from '@pixpnet/data';
import { ProtoNet } from '@pixpnet/models';
import { resolveConfig } from './config.js';
import { settingsOf } from './settings.js';
import { GroupedOptimizer } from './optimizers.js';
import { FitLoop, DivergedError } from './trainer.js';
import { modelFromCheckpoint, readCheckpoint, restoreOptimizer, saveCheckpoint } from './checkpoint.js';
import type { LoopState } from './checkpoint.js';
import type { TrainEvent } from './events.js';
import { bytesPerSample, microBatchSize } from '@pixpnet/models';
import { pushPrototypes } from './push.js';

const preset: TransformPreset = { crop: 32, cropPadding: 4, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };

function samples(n: number): Sample[] {
  const rng = new Rng(5);
  return Array.from({ length: n }, (_, i) => {
    const label = i % 2;
    const data = Uint8Array.from({ length: 32 * 32 * 3 }, (_, k) => (k % 3 === label ? 200 : 40) + Math.floor(rng.next() * 40));
    return { id: i, path: '', label, train: true, pixels: { width: 32, height: 32, data } };
  });
}

function setup(overrides: Record<string, unknown> = {}) {
  const config = resolveConfig(undefined, {
    'dataset.name': 'SYNTHPARTS', 'model.feature-extractor': 'vgg_nano_bn', 'model.feature-layer': 'maxpool3', 'model.no-pretrained': true,
    'model.num-prototypes': 4, 'model.prototype-dim': 4, 'model.readout-type': 'linear', 'optimizer.name': 'adam', 'optimizer.lr': 1e-3,
    'optimizer.warmup-period': 0, 'train.epochs': 2, 'train.batch-size': 4, 'train.push-every': 1, 'train.readout-push-epochs': 1, 'seed': 3, ...overrides,
  });
  const settings = settingsOf(config);
  const model = new ProtoNet({ backbone: 'vgg_nano_bn', featureLayer: 'maxpool3', numClasses: 2, inputSize: [32, 32], numPrototypes: 4, prototypeDim: 4, seed: 3 });
  const optimizer = new GroupedOptimizer(model, { name: 'adam', lr: 1e-3, fineTuneLr: 1e-3, readoutLr: 1e-3 });
  const s = samples(12);
  const mk = (train: boolean) => new DataLoader(s, preset, { batchSize: 4, seed: 3, shuffle: train, dropLast: train, augment: train });
  const state: LoopState = { epoch: 0, globalStep: 0, csvRows: 0, epochSeconds: [], inference: { calls: 0, samples: 0, seconds: 0 }, seed: 3 };
  const events: TrainEvent[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-fit-'));
  const loop = new FitLoop({
    settings, config, model, optimizer, loaders: { train: mk(true), val: mk(false), test: mk(false), push: mk(false) }, microBatch: 4,
    checkpointDir: dir, state, emit: (e) => events.push(e), cancelled: () => false,
  });
  return { loop, model, optimizer, state, events, dir, settings };
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('the fit loop', () => {
  it('--train.limit-batches and --test.limit-batches cap their loaders\' batches; the push still covers the whole split', async () => {
    const { loop, events, model, optimizer } = setup({ 'train.epochs': 1 });
    loop.io.batchLimits = new Map([[loop.io.loaders.train, 1], [loop.io.loaders.test, 2]]);
    await loop.fit();
    const steps = events.filter((e) => e.type === 'step' && e.phase !== 'readout');
    expect(steps.map((e) => (e.type === 'step' ? [e.batch, e.batches] : []))).toEqual([[1, 1]]);
    const push = events.filter((e) => e.type === 'progress' && e.stage === 'push');
    expect(push.at(-1)).toMatchObject({ done: 3, total: 3 }); // 12 images in batches of 4
    events.length = 0;
    await loop.evaluate(loop.io.loaders.test, 'test');
    expect(events.filter((e) => e.type === 'progress').map((e) => (e.type === 'progress' ? [e.done, e.total] : []))).toEqual([[0, 2], [1, 2], [2, 2]]);
    model.dispose();
    optimizer.dispose();
  });

  it('runs phases, validation, push and readout fine-tuning; leaks no tensor from one epoch to the next', async () => {
    const { loop, model, optimizer, events, state } = setup();
    const counts: number[] = [];
    const emit = loop.io.emit;
    loop.io.emit = (e: TrainEvent) => {
      if (e.type === 'checkpoint') counts.push(tf.memory().numTensors);
      emit(e);
    };
    await loop.fit();
    expect(counts).toHaveLength(2);
    expect(counts[1]).toBe(counts[0]);
    const kinds = events.map((e) => (e.type === 'epochStart' ? `start:${e.phase}` : e.type)).filter((t) => t !== 'step' && t !== 'metrics' && t !== 'progress');
    expect(kinds).toEqual(['start:joint', 'validation', 'push', 'start:readout', 'validationAfterPush', 'epochEnd', 'checkpoint',
      'start:joint', 'validation', 'push', 'start:readout', 'validationAfterPush', 'epochEnd', 'checkpoint']);
    // every batch of a validation, push or test is a progress event, numbered up to the stage's batch count
    const progress = events.filter((e) => e.type === 'progress');
    for (const stage of ['validation', 'push'] as const) {
      const first = progress.filter((e) => e.stage === stage && e.epoch === 0);
      expect(first.length).toBeGreaterThan(0);
      expect(first.slice(0, first[0]!.total + 1).map((e) => e.done)).toEqual(Array.from({ length: first[0]!.total + 1 }, (_, i) => i)); // 0: it begins
      for (const e of first) expect(e.images > 0).toBe(e.done > 0);
    }
    for (const e of events) if (e.type === 'step') expect(e.images).toBeGreaterThan(0);
    const after = events.filter((e) => e.type === 'validationAfterPush');
    expect(after.map((e) => [e.epoch, e.lastLayer])).toEqual([[0, true], [1, true]]);
    for (const e of after) expect(e.metrics['val_accuracy']).toBeGreaterThanOrEqual(0);
    expect(state.globalStep).toBe(2 * (3 + 3)); // 12 images / 4 per batch, main and readout epochs
    expect(Array.from(model.push.sampleIdxs).every((i) => i >= 0)).toBe(true);
    optimizer.dispose();
    model.dispose();
  });

  it('accumulates gradients over batches', async () => {
    const { loop, model, optimizer, state } = setup({ 'train.accumulate-grad-batches': 2, 'train.no-push-prototypes': true, 'train.epochs': 1 });
    await loop.fit();
    expect(state.globalStep).toBe(2); // 3 batches: one group of 2, then the rest at the end of the epoch
    optimizer.dispose();
    model.dispose();
  });

  it('aborts on a non-finite loss, naming the epoch and the fixes', async () => {
    const { loop, model, optimizer } = setup();
    model.prototypes.assign(tf.fill([4, 4], NaN));
    await expect(loop.fit()).rejects.toThrow(DivergedError);
    await expect(loop.fit()).rejects.toThrow(/train_total_loss is NaN at epoch 0.*a lower --optimizer\.lr/);
    optimizer.dispose();
    model.dispose();
  });

  it('checkpoints restore the model and the optimizers exactly', async () => {
    const { loop, model, optimizer, state, dir, settings } = setup({ 'train.epochs': 1 });
    await loop.fit();
    const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.ckpt'))!);
    expect(path.basename(file)).toBe(`epoch=0-step=${state.globalStep}.ckpt`);
    const ck = readCheckpoint(file);
    expect(ck.meta.loop.globalStep).toBe(state.globalStep);
    const copy = modelFromCheckpoint(ck);
    const opt2 = new GroupedOptimizer(copy, { name: 'adam', lr: 1e-3, fineTuneLr: 1e-3, readoutLr: 1e-3 });
    await restoreOptimizer(ck, opt2);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const step = (m: ProtoNet, o: GroupedOptimizer) => {
      const { grads, value } = tf.variableGrads(() => tf.mean(m.forward(x, { training: true }).logits) as tf.Scalar, m.trainableVariables());
      // map by position: the two models' variables have different global names
      o.apply(grads);
      tf.dispose([value, ...Object.values(grads)]);
      return m.forward(x).logits;
    };
    const a = step(model, optimizer), b = step(copy, opt2);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(copy.push.fmapIdxs)).toEqual(Array.from(model.push.fmapIdxs));
    expect(settings.train.epochs).toBe(1);
    tf.dispose([a, b, x]);
    opt2.dispose();
    copy.dispose();
    optimizer.dispose();
    model.dispose();
  });

  it('splits batches into micro-batches and emits histograms with --tb-logging, without leaking tensors', async () => {
    const { loop, model, optimizer, events, state } = setup({ 'train.epochs': 1, 'tb-logging': true, 'train.no-push-prototypes': true });
    loop.io.microBatch = 3; // batches of 4 run as 3 + 1
    const before = tf.memory().numTensors;
    await loop.fit();
    expect(state.globalStep).toBe(3);
    const h = events.filter((e) => e.type === 'histograms');
    expect(h).toHaveLength(3);
    const tags = Object.keys((h[0] as { values: Record<string, Float32Array> }).values);
    expect(tags).toEqual(expect.arrayContaining(['forward/logits', 'forward/minDistances', 'prototype_vectors', 'prototype_vectors.grad', 'add_on_layers.conv_last.weight']));
    // new tensors: the Adam moments (2 per variable + 2 bias-correction powers per optimizer)
    const vars = model.trainableVariables().length;
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(2 * vars + 4 * 3 + 4);
    optimizer.dispose();
    model.dispose();
  });

  it('micro-batched training normalises over the whole batch by default: the single batch\'s gradients (--train.batch-norm micro-batch: not)', async () => {
    const { loop, model, optimizer } = setup();
    const x = tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 1, 0], 'int32');
    const vars = model.trainableVariables();
    type Step = { grads: tf.NamedTensorMap; values: Record<string, number> };
    const step = (micro: number): Step => {
      loop.io.microBatch = micro;
      return (loop as unknown as { gradients: (...a: unknown[]) => Step }).gradients(x, y, vars, 1);
    };
    const maxDiff = (a: Step, b: Step) => Math.max(...Object.keys(a.grads).map((k) => tf.tidy(() => tf.max(tf.abs(tf.sub(a.grads[k]!, b.grads[k]!))).dataSync()[0]!)));
    const top = (a: Step) => Math.max(...Object.values(a.grads).map((g) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!)));
    const whole = step(4), parts = step(2);
    (loop.io.settings.train as { batchNorm: string }).batchNorm = 'micro-batch';
    const perMicro = step(2);
    expect(Object.keys(parts.grads).sort()).toEqual(Object.keys(whole.grads).sort());
    expect(maxDiff(parts, whole)).toBeLessThan(1e-4 * top(whole));
    expect(parts.values['total_loss']).toBeCloseTo(whole.values['total_loss']!, 5);
    expect(maxDiff(perMicro, whole)).toBeGreaterThan(1e-3 * top(whole));
    for (const s of [whole, parts, perMicro]) tf.dispose(Object.values(s.grads));
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });

  it('push and evaluation in micro-batches give the same results as whole batches', async () => {
    const { loop, model, optimizer } = setup();
    const x = tf.randomNormal([6, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const batch = () => [{ x, y: [0, 1, 0, 1, 0, 1], indices: [0, 1, 2, 3, 4, 5] }];
    const copy = new ProtoNet({ ...model.config, seed: 3 });
    await pushPrototypes(model, batch(), 'sample');
    await pushPrototypes(copy, batch(), 'sample', 4);
    expect(Array.from(copy.push.sampleIdxs)).toEqual(Array.from(model.push.sampleIdxs));
    expect(Array.from(copy.push.fmapIdxs)).toEqual(Array.from(model.push.fmapIdxs));
    const whole = await loop.evaluate(loop.io.loaders.test, 'test');
    loop.io.evalMicroBatch = 3;
    const parts = await loop.evaluate(loop.io.loaders.test, 'test');
    for (const [k, v] of Object.entries(whole)) expect(parts[k]).toBeCloseTo(v, 5);
    tf.dispose(x);
    copy.dispose();
    optimizer.dispose();
    model.dispose();
  });

  it('micro-batches only when a batch does not fit the step budget, with an estimate above the measured peak', async () => {
    const { model, optimizer } = setup();
    const x = tf.randomNormal([4, 32, 32, 3]) as tf.Tensor4D, y = tf.tensor1d([0, 1, 0, 1], 'int32');
    const base = tf.memory().numBytes;
    const prof = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => {
        const o = model.forward(x, { training: true });
        return tf.losses.softmaxCrossEntropy(tf.oneHot(y, 2), o.logits) as tf.Scalar;
      }, model.trainableVariables());
      tf.dispose([value, ...Object.values(grads)]);
    });
    expect((prof.peakBytes - base) / 4).toBeLessThan(bytesPerSample(model));
    tf.dispose([x, y]);
    expect(microBatchSize(model, 64, Infinity)).toBe(64);
    expect(microBatchSize(model, 64, 2 ** 30)).toBe(64);
    expect(microBatchSize(model, 64, 20e6)).toBeLessThan(64);
    optimizer.dispose();
    model.dispose();
  });
});
