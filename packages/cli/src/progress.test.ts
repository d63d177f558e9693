import { Writable } from 'node:stream';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '@pixpnet/train';
import { Heartbeat } from '@pixpnet/engine';
import { attachProgress, stageProgress } from './progress.js';

/** A log stream (no terminal) that records what is written. */
function logStream(): NodeJS.WriteStream {
  return new Writable({ write: (_c, _e, cb) => cb() }) as unknown as NodeJS.WriteStream;
}

/** A terminal-like stream that records what is drawn. */
function terminal(): NodeJS.WriteStream & { text: () => string } {
  let out = '';
  const s = new Writable({ write: (chunk, _e, cb) => { out += String(chunk); cb(); } }) as unknown as NodeJS.WriteStream & { text: () => string };
  Object.assign(s, { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, clearScreenDown: () => true, text: () => out });
  return s;
}

describe('progress display', () => {
  it('draws a bar per epoch with the phase, loss, accuracy and ETA', () => {
    const events = new Subject<TrainEvent>();
    const stream = terminal();
    attachProgress(events, stream);
    events.next({ type: 'runStart', runDir: '/r', config: {}, resultsConfig: {}, metricNames: [], sizes: { train: 4, val: 0, test: 2, push: 4 }, stepsPerEpoch: 2, epochs: 3, backend: 'wasm', seed: 1 });
    events.next({ type: 'epochStart', epoch: 0, phase: 'warm', batches: 2, lrs: [] });
    events.next({ type: 'step', epoch: 0, phase: 'warm', globalStep: 1, batch: 1, batches: 2, images: 2, metrics: { train_total_loss: 1.25, train_accuracy: 0.5 }, lrs: [], seconds: 0.1 });
    events.next({ type: 'step', epoch: 0, phase: 'warm', globalStep: 2, batch: 2, batches: 2, images: 2, metrics: { train_total_loss: 0.75, train_accuracy: 1 }, lrs: [], seconds: 0.1 });
    events.complete();
    const text = stream.text();
    expect(text).toMatch(/epoch 1\/3 warm/);
    expect(text).toMatch(/2\/2 \| loss 0\.750 acc 1\.000 \| ETA/);
  });

  it('stops the last-layer epoch\'s bar before the validation after the push is logged', () => {
    const events = new Subject<TrainEvent>();
    const stream = terminal();
    attachProgress(events, stream);
    events.next({ type: 'runStart', runDir: '/r', config: {}, resultsConfig: {}, metricNames: [], sizes: { train: 4, val: 2, test: 2, push: 4 }, stepsPerEpoch: 2, epochs: 1, backend: 'wasm', seed: 1 });
    events.next({ type: 'epochStart', epoch: 0, phase: 'readout', readoutEpoch: 0, batches: 2, lrs: [] });
    events.next({ type: 'step', epoch: 0, phase: 'readout', globalStep: 1, batch: 1, batches: 2, images: 2, metrics: { train_total_loss: 1.25, train_accuracy: 0.5 }, lrs: [], seconds: 0.1 });
    expect(stream.text()).toMatch(/epoch 1\/1 readout 1/);
    events.next({ type: 'validationAfterPush', epoch: 0, lastLayer: true, metrics: { val_total_loss: 0.5, val_accuracy: 0.75 } });
    const drawn = stream.text();
    // the bar is gone: a later step (of no bar) draws nothing over the log line
    events.next({ type: 'step', epoch: 0, phase: 'readout', globalStep: 2, batch: 2, batches: 2, images: 2, metrics: { train_total_loss: 0.75, train_accuracy: 1 }, lrs: [], seconds: 0.1 });
    events.complete();
    expect(stream.text()).toBe(drawn);
  });

  it('stops a bar before the push line is logged', () => {
    const events = new Subject<TrainEvent>();
    const stream = terminal();
    attachProgress(events, stream);
    events.next({ type: 'runStart', runDir: '/r', config: {}, resultsConfig: {}, metricNames: [], sizes: { train: 4, val: 0, test: 2, push: 4 }, stepsPerEpoch: 2, epochs: 1, backend: 'wasm', seed: 1 });
    events.next({ type: 'epochStart', epoch: 0, phase: 'joint', batches: 2, lrs: [] });
    events.next({ type: 'step', epoch: 0, phase: 'joint', globalStep: 1, batch: 1, batches: 2, images: 2, metrics: { train_total_loss: 1.25, train_accuracy: 0.5 }, lrs: [], seconds: 0.1 });
    events.next({ type: 'push', epoch: 0, prototypes: 4, seconds: 0.2,
      stats: { quantiles: [0, 0.1, 0.2, 0.3, 0.4], nans: 0, unassigned: 0, distinctSamples: 3, normBefore: 1, normAfter: 2 } });
    const drawn = stream.text();
    events.next({ type: 'step', epoch: 0, phase: 'joint', globalStep: 2, batch: 2, batches: 2, images: 2, metrics: { train_total_loss: 0.75, train_accuracy: 1 }, lrs: [], seconds: 0.1 });
    events.complete();
    expect(stream.text()).toBe(drawn);
  });

  it('without a terminal, writes a line every interval within epochs, validations, pushes and the test (a fake clock)', () => {
    const events = new Subject<TrainEvent>();
    let t = 0;
    const lines: string[] = [];
    attachProgress(events, logStream(), new Heartbeat((l) => lines.push(l), () => 30, () => t));
    events.next({ type: 'runStart', runDir: '/r', config: {}, resultsConfig: {}, metricNames: [], sizes: { train: 640, val: 64, test: 64, push: 640 }, stepsPerEpoch: 20, epochs: 2, backend: 'wasm', seed: 1 });
    events.next({ type: 'epochStart', epoch: 0, phase: 'joint', batches: 20, lrs: [] });
    for (let b = 1; b <= 20; b++) {
      t += 10_000; // 10 s a batch of 32
      events.next({ type: 'step', epoch: 0, phase: 'joint', globalStep: b, batch: b, batches: 20, images: 32, metrics: {}, lrs: [], seconds: 10 });
    }
    events.next({ type: 'progress', stage: 'push', epoch: 0, done: 0, total: 4, images: 0 }); // the push begins
    for (let b = 1; b <= 4; b++) {
      t += 20_000;
      events.next({ type: 'progress', stage: 'push', epoch: 0, done: b, total: 4, images: 160 });
    }
    events.next({ type: 'progress', stage: 'test', done: 0, total: 2, images: 0 });
    t += 40_000;
    events.next({ type: 'progress', stage: 'test', done: 1, total: 2, images: 32 });
    events.complete();
    expect(lines).toEqual([
      'epoch 1/2 joint: 3/20 batches, 3.20 images/s, 30 s elapsed, ETA 2 min 50 s',
      'epoch 1/2 joint: 6/20 batches, 3.20 images/s, 1 min elapsed, ETA 2 min 20 s',
      'epoch 1/2 joint: 9/20 batches, 3.20 images/s, 1 min 30 s elapsed, ETA 1 min 50 s',
      'epoch 1/2 joint: 12/20 batches, 3.20 images/s, 2 min elapsed, ETA 1 min 20 s',
      'epoch 1/2 joint: 15/20 batches, 3.20 images/s, 2 min 30 s elapsed, ETA 50 s',
      'epoch 1/2 joint: 18/20 batches, 3.20 images/s, 3 min elapsed, ETA 20 s',
      'epoch 1/2 joint: 20/20 batches in 3 min 20 s, 3.20 images/s',
      'epoch 1/2 push: 2/4 batches, 8.00 images/s, 40 s elapsed, ETA 40 s',
      'epoch 1/2 push: 4/4 batches, 8.00 images/s, 1 min 20 s elapsed, ETA 0 s',
      'epoch 1/2 push: 4/4 batches in 1 min 20 s, 8.00 images/s',
      'test: 1/2 batches, 0.800 images/s, 40 s elapsed, ETA 40 s',
    ]);
  });

  it('on a terminal, a validation or push has a bar of its own, cleared at its end', () => {
    const events = new Subject<TrainEvent>();
    const stream = terminal();
    const lines: string[] = [];
    attachProgress(events, stream, new Heartbeat((l) => lines.push(l), () => 0, () => 0));
    events.next({ type: 'runStart', runDir: '/r', config: {}, resultsConfig: {}, metricNames: [], sizes: { train: 4, val: 2, test: 2, push: 4 }, stepsPerEpoch: 2, epochs: 3, backend: 'wasm', seed: 1 });
    events.next({ type: 'progress', stage: 'push', epoch: 1, done: 0, total: 2, images: 0 });
    expect(stream.text()).toMatch(/epoch 2\/3 push\s+\[.*\] 0\/2 \| ETA/);
    events.next({ type: 'progress', stage: 'push', epoch: 1, done: 1, total: 2, images: 2 });
    events.next({ type: 'progress', stage: 'push', epoch: 1, done: 2, total: 2, images: 2 });
    const drawn = stream.text();
    expect(drawn).toMatch(/epoch 2\/3 push\s+\[.*\] 2\/2 \| ETA/); // the bar's last state, drawn as it stops
    events.next({ type: 'step', epoch: 1, phase: 'joint', globalStep: 2, batch: 2, batches: 2, images: 2, metrics: {}, lrs: [], seconds: 0.1 });
    events.complete();
    expect(stream.text()).toBe(drawn); // no bar left to draw over
    expect(lines).toEqual([]); // the terminal has bars, not lines
  });
});

describe('staged progress (evaluation, sweep rows) without a terminal', () => {
  it('writes a line every interval and one when a stage ends', () => {
    let t = 0;
    const lines: string[] = [];
    const p = stageProgress(logStream(), new Heartbeat((l) => lines.push(l), () => 30, () => t, ''));
    p.update('rot rf', 0, 1000); // the stage begins
    for (let d = 1; d <= 10; d++) {
      t += 8000;
      p.update('rot rf', d * 100, 1000);
    }
    expect(lines).toEqual([
      'rot rf: 400/1000, 32 s elapsed, ETA 48 s',
      'rot rf: 800/1000, 1 min 4 s elapsed, ETA 16 s',
      'rot rf: 1000/1000 in 1 min 20 s',
    ]);
  });
});
