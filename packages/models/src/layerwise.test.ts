import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor4D, Variable } from '@pixpnet/engine';
import { Backbone } from './backbone.js';
import { layerwiseGradients } from './layerwise.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** A small head on the features: a fixed projection, a squared loss per image (the batch's mean). */
function setup(model: string, cut: string) {
  const backbone = new Backbone(model, { cut, seed: 5 });
  const x = tf.randomNormal([6, 32, 32, 3], 0, 1, 'float32', 11) as Tensor4D;
  const C = backbone.outChannels(cut);
  const w0 = tf.randomNormal([C, 3], 0, 0.3, 'float32', 12);
  const w = tf.variable(w0, true, `head-w-${model}`);
  w0.dispose();
  const target = tf.randomNormal([6, 3], 0, 1, 'float32', 13);
  const loss = (f: Tensor4D, start: number, len: number, n: number) => tf.tidy(() => {
    const pooled = tf.mean(f, [1, 2]);
    const y = tf.matMul(pooled, w);
    const t = tf.slice(target, [start, 0], [len, 3]);
    return tf.mul(tf.sum(tf.square(tf.sub(y, t))), 1 / n) as tf.Scalar;
  });
  return { backbone, x, w, target, loss };
}

const snapshot = (vs: Iterable<Variable>) => new Map([...vs].map((v) => [v.name, Float32Array.from(v.dataSync() as Float32Array)]));

describe('layer-wise training step with whole-batch batch norm', () => {
  for (const [model, cut] of [['vgg_nano_bn', 'maxpool3'], ['resnet_nano', 'layer2']] as const) {
    it(`${model}: chunks of 2 give the single-batch step's gradients and running statistics (within 1e-4), leaking no tensor`, () => {
      const before = tf.memory().numTensors;
      const { backbone, x, w, target, loss } = setup(model, cut);
      const vars = backbone.trainableVariables();
      const start = snapshot(backbone.variables().values());
      // the reference: one batch, through the model's own forward
      const ref = tf.variableGrads(() => loss(backbone.forward(x, { training: true })[cut] as Tensor4D, 0, 6, 6), [...vars, w]);
      ref.value.dispose();
      const refStats = snapshot(backbone.variables().values());
      // back to the start, then the same step in chunks of 2
      const restore = () => tf.tidy(() => { for (const [, v] of backbone.variables()) v.assign(tf.tensor(start.get(v.name)!, v.shape)); });
      restore();
      const t0 = tf.memory().numTensors;
      const r = layerwiseGradients(backbone, x, 2, (f, s, l) => loss(f, s, l, 6), vars, [w]);
      expect(tf.memory().numTensors - t0, 'tensors left by the layer-wise step besides its gradients').toBe(Object.keys(r.grads).length);
      expect(Object.keys(r.grads).sort()).toEqual(Object.keys(ref.grads).sort());
      // within 1e-4 of each gradient's largest value (or of the step's largest, for the gradients that are ~0 in
      // exact arithmetic: a conv's bias before a batch norm)
      const top = Math.max(...Object.values(ref.grads).map((g) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]!)));
      for (const [k, g] of Object.entries(ref.grads)) {
        const a = g.dataSync(), b = r.grads[k]!.dataSync();
        let worst = 0, scale = 1e-2 * top;
        for (let i = 0; i < a.length; i++) {
          worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
          scale = Math.max(scale, Math.abs(a[i]!));
        }
        expect(worst / scale, `${model} ${k}`).toBeLessThan(1e-4);
      }
      // running statistics: one update with the whole batch's moments, as the single batch
      for (const [name, v] of backbone.variables()) {
        if (!/running_(mean|var)$/.test(name)) continue;
        const a = refStats.get(v.name)!, b = v.dataSync();
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `${name}[${i}]`).toBeLessThan(1e-4 * Math.max(1, Math.abs(a[i]!)));
      }
      // the chunks differ from per-chunk statistics (what the micro-batched step computed before): the test has teeth
      restore();
      let perChunk: tf.NamedTensorMap | undefined;
      for (let s0 = 0; s0 < 6; s0 += 2) {
        const g = tf.variableGrads(() => loss(backbone.forward(tf.slice(x, [s0, 0, 0, 0], [2, 32, 32, 3]) as Tensor4D, { training: true })[cut] as Tensor4D, s0, 2, 6), [...vars, w]);
        g.value.dispose();
        if (!perChunk) perChunk = g.grads;
        else for (const k of Object.keys(g.grads)) { const t = perChunk[k]!; perChunk[k] = tf.add(t, g.grads[k]!); tf.dispose([t, g.grads[k]!]); }
      }
      const k0 = vars[0]!.name;
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(perChunk![k0]!, ref.grads[k0]!))).dataSync()[0]!);
      expect(diff).toBeGreaterThan(1e-3);
      tf.dispose([...Object.values(ref.grads), ...Object.values(r.grads), ...Object.values(perChunk!), x, w, target]);
      backbone.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
