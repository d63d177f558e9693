import { Writable } from 'node:stream';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '@pixpnet/train';
import { attachProgress } from './progress.js';

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
    events.next({ type: 'step', epoch: 0, phase: 'warm', globalStep: 1, batch: 1, batches: 2, metrics: { train_total_loss: 1.25, train_accuracy: 0.5 }, lrs: [], seconds: 0.1 });
    events.next({ type: 'step', epoch: 0, phase: 'warm', globalStep: 2, batch: 2, batches: 2, metrics: { train_total_loss: 0.75, train_accuracy: 1 }, lrs: [], seconds: 0.1 });
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
    events.next({ type: 'step', epoch: 0, phase: 'readout', globalStep: 1, batch: 1, batches: 2, metrics: { train_total_loss: 1.25, train_accuracy: 0.5 }, lrs: [], seconds: 0.1 });
    expect(stream.text()).toMatch(/epoch 1\/1 readout 1/);
    events.next({ type: 'validationAfterPush', epoch: 0, lastLayer: true, metrics: { val_total_loss: 0.5, val_accuracy: 0.75 } });
    const drawn = stream.text();
    // the bar is gone: a later step (of no bar) draws nothing over the log line
    events.next({ type: 'step', epoch: 0, phase: 'readout', globalStep: 2, batch: 2, batches: 2, metrics: { train_total_loss: 0.75, train_accuracy: 1 }, lrs: [], seconds: 0.1 });
    events.complete();
    expect(stream.text()).toBe(drawn);
  });

  it('stops a bar before the push line is logged', () => {
    const events = new Subject<TrainEvent>();
    const stream = terminal();
    attachProgress(events, stream);
    events.next({ type: 'runStart', runDir: '/r', config: {}, resultsConfig: {}, metricNames: [], sizes: { train: 4, val: 0, test: 2, push: 4 }, stepsPerEpoch: 2, epochs: 1, backend: 'wasm', seed: 1 });
    events.next({ type: 'epochStart', epoch: 0, phase: 'joint', batches: 2, lrs: [] });
    events.next({ type: 'step', epoch: 0, phase: 'joint', globalStep: 1, batch: 1, batches: 2, metrics: { train_total_loss: 1.25, train_accuracy: 0.5 }, lrs: [], seconds: 0.1 });
    events.next({ type: 'push', epoch: 0, prototypes: 4, seconds: 0.2,
      stats: { quantiles: [0, 0.1, 0.2, 0.3, 0.4], nans: 0, unassigned: 0, distinctSamples: 3, normBefore: 1, normAfter: 2 } });
    const drawn = stream.text();
    events.next({ type: 'step', epoch: 0, phase: 'joint', globalStep: 2, batch: 2, batches: 2, metrics: { train_total_loss: 0.75, train_accuracy: 1 }, lrs: [], seconds: 0.1 });
    events.complete();
    expect(stream.text()).toBe(drawn);
  });
});
