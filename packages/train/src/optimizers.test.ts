import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor, Tensor1D, Tensor2D, Tensor4D } from '@pixpnet/engine';
import { ProtoNet } from '@pixpnet/models';
import { GroupedOptimizer, optimizerName } from './optimizers.js';
import { protoLosses } from './losses.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const cfg = { backbone: 'vgg_nano_bn', featureLayer: 'maxpool2', numClasses: 2, inputSize: [32, 32] as [number, number], numPrototypes: 4, prototypeDim: 4, readout: 'linear' as const };

describe('GroupedOptimizer (spec §3.3)', () => {
  it('builds the four groups with their learning rates and weight decay, follows the schedule, trains without leaks', () => {
    const m = new ProtoNet(cfg);
    const opt = new GroupedOptimizer(m, { name: 'Adam', lr: 3e-3, weightDecay: 1e-3, fineTuneLr: 1e-4, readoutLr: 2e-4 });
    expect(opt.groups.map((g) => [g.name, g.hp.lr, g.hp.weightDecay])).toEqual([
      ['backbone', 1e-4, 1e-3], ['addOn', 3e-3, 1e-3], ['prototypes', 3e-3, 0], ['readout', 2e-4, 0]]);
    opt.setLrMultiplier(0.5);
    expect(opt.groups[1]!.hp.lr).toBeCloseTo(1.5e-3, 12);
    const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 1) as Tensor4D;
    const y = tf.tensor1d([0, 1], 'int32') as Tensor1D;
    const vars = m.trainableVariables();
    const step = () => {
      const { value, grads } = tf.variableGrads(() => {
        const out = m.forward(x, { training: true });
        return protoLosses(m, out.logits, out.minDistances, y).total;
      }, vars);
      opt.apply(grads);
      const v = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      return v;
    };
    const p0 = m.prototypes.dataSync().slice();
    step();
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(m.prototypes.dataSync())).not.toEqual(Array.from(p0));
    const r0 = m.readout!.dataSync().slice();
    const { grads } = tf.variableGrads(() => tf.sum(m.readout as Tensor) as tf.Scalar, [m.readout!]);
    opt.applyReadout(grads);
    tf.dispose(Object.values(grads));
    expect(Array.from(m.readout!.dataSync())).not.toEqual(Array.from(r0));
    opt.dispose();
    tf.dispose([x, y]);
    m.dispose();
  });

  it('takes optimizer names case-insensitively, snake case too, and lists the choices otherwise', () => {
    expect(optimizerName('RMSProp')).toBe('rmsprop');
    expect(optimizerName('rm_sprop')).toBe('rmsprop');
    expect(() => optimizerName('lion')).toThrow(/Unknown optimizer 'lion': use one of adam, sgd, rmsprop/);
    expect(() => optimizerName('constructor')).toThrow(/Unknown optimizer 'constructor'/); // not Object.prototype's
    expect(() => optimizerName('AdamW')).toThrow(/decouples weight decay.*use adam/);
    expect(() => optimizerName('adamax')).toThrow(/cannot save its state/);
  });

  for (const name of ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta']) {
    it(`${name}: the schedule's multiplier reaches the optimizer`, () => {
      const m = new ProtoNet({ ...cfg, readout: 'proto' });
      const step = (mult: number) => {
        const opt = new GroupedOptimizer(m, { name, lr: 1e-2, momentum: 0 });
        opt.setLrMultiplier(mult);
        const before = m.prototypes.dataSync().slice();
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(m.prototypes, 0.5)) as tf.Scalar, [m.prototypes]);
        opt.apply(grads);
        tf.dispose(Object.values(grads));
        const moved = Math.abs(m.prototypes.dataSync()[0]! - before[0]!);
        opt.dispose();
        return moved;
      };
      const full = step(1), half = step(0.5);
      expect(full).toBeGreaterThan(0);
      expect(half / full).toBeCloseTo(0.5, 3);
      m.dispose();
    });
  }
});
