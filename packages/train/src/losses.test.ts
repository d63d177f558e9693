import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor1D, Tensor2D } from '@pixpnet/engine';
import { ProtoNet } from '@pixpnet/models';
import { protoLosses } from './losses.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

// 2 classes, 4 prototypes: 0,1 → class 0; 2,3 → class 1
const cfg = { backbone: 'vgg_nano_bn', featureLayer: 'maxpool2', numClasses: 2, inputSize: [32, 32] as [number, number], numPrototypes: 4, prototypeDim: 4 };

describe('protoLosses (spec §3.2)', () => {
  it('computes cluster, separation, average separation and L1 as specified', () => {
    const m = new ProtoNet({ ...cfg, readout: 'linear' });
    tf.tidy(() => {
      const d = tf.tensor2d([[1, 2, 3, 4], [5, 6, 0.5, 7]]) as Tensor2D;
      const y = tf.tensor1d([0, 1], 'int32') as Tensor1D;
      const logits = tf.tensor2d([[2, 0], [0, 1]]) as Tensor2D;
      const t = protoLosses(m, logits, d, y);
      expect(t.cluster!.dataSync()[0]).toBeCloseTo((1 + 0.5) / 2, 6); // own-class minima 1 and 0.5
      expect(t.separation!.dataSync()[0]).toBeCloseTo(-(3 + 5) / 2, 6); // other-class minima 3 and 5
      expect(t.avgSeparation!.dataSync()[0]).toBeCloseTo(-((3 + 4) / 2 + (5 + 6) / 2) / 2, 6);
      expect(t.l1!.dataSync()[0]).toBeCloseTo(4 * 0.5, 6); // the four wrong-class weights are -0.5
      const ce = (Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(-1))) / 2;
      expect(t.xent!.dataSync()[0]).toBeCloseTo(ce, 5);
      expect(t.total.dataSync()[0]).toBeCloseTo(ce + 0.8 * 0.75 - 0.08 * 4 + 1e-4 * 2, 5);
    });
    m.dispose();
  });

  it('skips terms with zero coefficients and the L1 of the proto readout', () => {
    const m = new ProtoNet({ ...cfg, readout: 'proto' });
    tf.tidy(() => {
      const t = protoLosses(m, tf.zeros([1, 2]) as Tensor2D, tf.ones([1, 4]) as Tensor2D, tf.tensor1d([1], 'int32') as Tensor1D, { cluster: 0, separation: 0 });
      expect(Object.keys(t).sort()).toEqual(['total', 'xent']);
      expect(t.total.dataSync()[0]).toBeCloseTo(Math.log(2), 6);
    });
    m.dispose();
  });
});
