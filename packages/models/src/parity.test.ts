// Numerical parity with torchvision 0.14 for every file under $PIXPNET_FIXTURES/torchvision: hash-filled
// weights go through loadStateDict (the path real weights take), the hash input runs, and every listed layer
// and the logits are compared with the README's tolerances.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor, Tensor4D } from '@pixpnet/engine';
import { Backbone } from './backbone.js';
import { hashInput, hashStateDict } from './fixture_hash.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.env['PIXPNET_FIXTURES'] ?? path.resolve(here, '../../../../shared/fixtures');
const dir = path.join(root, 'torchvision');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];

interface Summary { shape: number[]; sum: number; sumsq: number; absmax: number; samples: Array<[number, number]> }
interface Fixture { model: string; input: number[]; stateDict: Array<[string, number[], string]>; layers: Record<string, Summary>; logits: Summary }

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** An output as NCHW-flattened values (the fixture's order). */
function nchw(t: Tensor): Float32Array {
  if (t.rank !== 4) return t.dataSync() as Float32Array;
  const r = tf.transpose(t, [0, 3, 1, 2]);
  const values = r.dataSync() as Float32Array;
  r.dispose();
  return values;
}

function compare(name: string, got: Float32Array, want: Summary): void {
  let sum = 0, sumsq = 0;
  for (const v of got) { sum += v; sumsq += v * v; }
  expect(got.length, `${name} size`).toBe(want.shape.reduce((a, b) => a * b, 1));
  expect(Math.abs(sumsq - want.sumsq) / Math.max(Math.abs(want.sumsq), 1e-12), `${name} sumsq`).toBeLessThan(1e-3);
  expect(Math.abs(sum - want.sum) / Math.max(Math.sqrt(want.sumsq), 1e-12), `${name} sum (relative to the norm)`).toBeLessThan(1e-3);
  const worst = Math.max(...want.samples.map(([i, v]) => Math.abs(got[i]! - v))) / want.absmax;
  expect(worst, `${name} samples`).toBeLessThan(1e-4);
}

describe.skipIf(files.length === 0)(`torchvision parity (${dir})`, () => {
  it.each(files)('%s', (file) => {
    const fx = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Fixture;
    const probe = new Backbone(fx.model, { cut: [] });
    const last = probe.graph.stages[probe.graph.stages.length - 1]![0];
    probe.dispose();
    const model = new Backbone(fx.model, { cut: [...Object.keys(fx.layers), last], weights: hashStateDict(fx.stateDict), weightsSource: `the ${file} hash weights` });
    const [, c, h, w] = fx.input as [number, number, number, number];
    const before = tf.memory().numTensors;
    const outs = tf.tidy(() => {
      const x = tf.transpose(tf.tensor4d(hashInput(c * h * w), [1, c, h, w]), [0, 2, 3, 1]) as Tensor4D;
      return model.forward(x);
    });
    for (const [name, want] of Object.entries(fx.layers)) compare(name, nchw(outs[name]!), want);
    compare('logits', nchw(outs[last]!), fx.logits);
    tf.dispose(Object.values(outs));
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  }, 120_000);
});
