import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import { Backbone } from './backbone.js';
import { exportStateDict, loadStateDict } from './state_dict.js';
import { readSafetensors, writeSafetensors } from './weights/safetensors.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('Backbone', () => {
  it('dropout masks come from the seed and the training forwards: the same in any process, whatever ran before', () => {
    const run = (noise: boolean) => {
      if (noise) tf.dispose(tf.dropout(tf.ones([8, 8]), 0.5)); // unrelated randomness first
      const b = new Backbone('vgg_nano_bn', { seed: 4 });
      const x = tf.ones([2, 32, 32, 3]) as Tensor4D;
      const outs = [0, 1].map(() => tf.tidy(() => Array.from(b.forward(x, { training: true })['classifier']!.dataSync())));
      tf.dispose(x);
      b.dispose();
      return outs;
    };
    const [a, b] = [run(false), run(true)];
    expect(b).toEqual(a);
    expect(a[1]).not.toEqual(a[0]); // a new mask each forward
  });

  it('cuts after a named layer, infers its channels, and returns several layers in multi-output mode', () => {
    const m = new Backbone('vgg11_bn', { cut: ['maxpool2', 'conv3'] });
    expect(m.cuts).toEqual(['maxpool2', 'conv3']);
    expect(m.outChannels()).toBe(256);
    expect(m.outChannels('maxpool2')).toBe(128);
    expect(m.specs.some((s) => s.name.startsWith('classifier'))).toBe(false);
    const out = tf.tidy(() => m.forward(tf.zeros([1, 32, 32, 3]) as Tensor4D));
    expect(out['maxpool2']!.shape).toEqual([1, 8, 8, 128]);
    expect(out['conv3']!.shape).toEqual([1, 8, 8, 256]);
    tf.dispose(Object.values(out));
    m.dispose();
    expect(() => new Backbone('vgg11', { cut: 'layer4' })).toThrow(/vgg11 has no layer 'layer4'. Its layers are: conv_no_act1/);
  });

  it('the same seed gives the same initial weights, seed 0 included (tfjs reads a seed of 0 as none)', () => {
    const first = (seed: number) => {
      const m = new Backbone('vgg_nano_bn', { cut: 'maxpool1', seed });
      const v = Array.from(m.variable(m.specs[0]!.name).dataSync());
      m.dispose();
      return v;
    };
    expect(first(0)).toEqual(first(0));
    expect(first(0)).not.toEqual(first(1));
  });

  it('a vgg11_bn cut at maxpool4 trains on wasm: loss falls, running statistics move, no tensor leaks', () => {
    const m = new Backbone('vgg11_bn', { cut: 'maxpool4', seed: 3 });
    const x = tf.randomNormal([4, 32, 32, 3], 0, 1, 'float32', 5) as Tensor4D;
    const target = tf.randomNormal([4, 2, 2, 512], 0, 1, 'float32', 6);
    const opt = tf.train.adam(1e-3);
    const rm0 = m.variable('features.1.running_mean').dataSync().slice();
    const step = () => {
      const loss = opt.minimize(() => tf.losses.meanSquaredError(target, m.forward(x, { training: true })['maxpool4']!), true, m.trainableVariables())!;
      const v = loss.dataSync()[0]!;
      loss.dispose();
      return v;
    };
    const first = step();
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 5; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(first);
    expect(Array.from(m.variable('features.1.running_mean').dataSync())).not.toEqual(Array.from(rm0));
    opt.dispose();
    tf.dispose([x, target]);
    m.dispose();
  });

  it('builds the narrow CPU-friendly backbones by name', () => {
    for (const [name, cut, shape] of [['vgg_nano_bn', 'maxpool4', [2, 4, 4, 64]], ['vgg_micro_bn', 'maxpool3', [2, 8, 8, 128]], ['resnet_nano', 'layer4', [2, 2, 2, 128]]] as const) {
      const m = new Backbone(name, { cut });
      const out = tf.tidy(() => m.forward(tf.zeros([2, 64, 64, 3]) as Tensor4D)[cut]!);
      expect(out.shape).toEqual(shape);
      out.dispose();
      m.dispose();
    }
  });

  it('round-trips its weights through a safetensors file and rejects wrong ones, listing the keys', () => {
    const a = new Backbone('resnet18', { cut: 'layer1', seed: 1 });
    const bytes = writeSafetensors(exportStateDict(a));
    const { tensors } = readSafetensors(bytes);
    const b = new Backbone('resnet18', { cut: 'layer1', seed: 2 });
    loadStateDict(b, tensors);
    for (const s of a.specs) expect(Array.from(b.variable(s.name).dataSync())).toEqual(Array.from(a.variable(s.name).dataSync()));
    tensors.delete('layer1.0.conv1.weight');
    tensors.set('layer1.0.bn9.weight', { shape: [64], data: new Float32Array(64) });
    tensors.set('bn1.weight', { shape: [3], data: new Float32Array(3) });
    expect(() => loadStateDict(b, tensors, 'w.safetensors')).toThrow(
      /Cannot load w.safetensors into resnet18: missing keys \(1\): layer1.0.conv1.weight. unexpected keys \(1\): layer1.0.bn9.weight. mis-shaped keys \(1\): bn1.weight: got \[3\], expected \[64\]/);
    a.dispose();
    b.dispose();
  });
});
