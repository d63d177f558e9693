import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor2D, Tensor4D } from '@pixpnet/engine';
import { computeReceptiveFields, zooModel } from '@pixpnet/symbolic';
import { ProtoNet } from './protonet.js';
import { planBackbone } from './plan.js';
import { addOnGraph } from './add_on.js';
import { modelInfo } from '../info.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const small = { backbone: 'vgg11_bn', featureLayer: 'maxpool4', numClasses: 4, inputSize: [64, 64] as [number, number], numPrototypes: 8, prototypeDim: 16, seed: 1 };

describe('ProtoNet', () => {
  it('construction and dispose leave no tensor behind (every readout, class-specific or not)', () => {
    const configs = [
      { ...small }, { ...small, readout: 'sparse' as const }, { ...small, readout: 'proto' as const },
      { ...small, classSpecific: false }, { ...small, addOnType: 'bottleneck' as const },
    ];
    for (const c of configs) {
      const before = tf.memory().numTensors;
      const m = new ProtoNet(c);
      m.dispose();
      expect(tf.memory().numTensors, JSON.stringify(c)).toBe(before);
    }
  });

  it('the plan: graph, cut, latent grid and exact fields from the settings alone; bad settings refused before any tensor', () => {
    const plan = planBackbone('vgg11_bn', 'maxpool4', [64, 64]);
    expect(plan.latentGrid).toEqual([4, 4]);
    expect(plan.channels).toBe(512);
    expect(plan.rfBoxes).toHaveLength(16);
    const rf = computeReceptiveFields(zooModel('vgg11_bn'), { height: 64, layers: ['maxpool4'] }).layers['maxpool4']!;
    expect(plan.rfBoxes[5]).toEqual([...rf.rows[1]!, ...rf.cols[1]!]);
    expect(plan.meanRfPct).toBeCloseTo(rf.meanAreaPct, 10);
    const before = tf.memory().numTensors;
    expect(() => new ProtoNet({ ...small, backbone: 'vgg11_bnn' })).toThrow(/Unknown model 'vgg11_bnn'.*vgg11_bn/);
    expect(() => new ProtoNet({ ...small, featureLayer: 'maxpool9' })).toThrow(/vgg11_bn has no layer 'maxpool9'. Its layers are: .*maxpool4/);
    expect(() => new ProtoNet({ ...small, numPrototypes: 10 })).toThrow(/multiple of numClasses \(4\).*try 12/);
    expect(() => new ProtoNet({ ...small, classSpecific: false, readout: 'sparse' })).toThrow(/needs class-specific/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('vgg11_bn cut at maxpool4: forward and backward on wasm with no tensor leak', () => {
    const m = new ProtoNet({ ...small, distance: 'cosine', readout: 'linear' });
    const x = tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 2) as Tensor4D;
    const y = tf.oneHot(tf.tensor1d([0, 3], 'int32'), 4);
    const opt = tf.train.adam(1e-3);
    const step = () => {
      const l = opt.minimize(() => {
        const out = m.forward(x, { training: true });
        const loss = tf.losses.softmaxCrossEntropy(y, out.logits);
        tf.dispose([out.minDistances, out.minDistIdxs, out.distances, out.maxSimilarities]);
        return loss as tf.Scalar;
      }, true, m.trainableVariables())!;
      const v = l.dataSync()[0]!;
      l.dispose();
      return v;
    };
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    const out = m.forward(x);
    expect(out.logits.shape).toEqual([2, 4]);
    expect(out.distances.shape).toEqual([2, 4, 4, 8]);
    expect(out.minDistIdxs.dtype).toBe('int32');
    tf.dispose(Object.values(out));
    opt.dispose();
    tf.dispose([x, y]);
    m.dispose();
  });

  it('cosine: a zeroed prototype (no push candidate) keeps finite gradients; variables have readable names', () => {
    const m = new ProtoNet({ backbone: 'vgg_nano_bn', featureLayer: 'maxpool2', numClasses: 2, inputSize: [32, 32], numPrototypes: 2, prototypeDim: 4, distance: 'cosine' });
    const zero = tf.tensor2d([[0, 0, 0, 0], [0.5, 0.1, 0.2, 0.3]]);
    m.setPrototypes(zero as Tensor2D);
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 3) as Tensor4D;
    const { value, grads } = tf.variableGrads(() => tf.sum(m.forward(x).logits) as tf.Scalar, [m.prototypes]);
    expect(Array.from(grads[m.prototypes.name]!.dataSync()).every(Number.isFinite)).toBe(true);
    expect(m.prototypes.name).toMatch(/\/prototype_vectors$/);
    expect(m.readout!.name).toMatch(/\/last_layer\.weight$/);
    tf.dispose([value, ...Object.values(grads), zero, x]);
    m.dispose();
  });

  it('computes l2 and cosine distances, the activations and min pooling as specified', () => {
    for (const distance of ['l2', 'cosine'] as const) {
      const m = new ProtoNet({ ...small, distance, readout: 'proto' });
      const z = tf.randomUniform([1, 3, 2, 16], 0, 1, 'float32', 4) as Tensor4D;
      const d = m.distances(z);
      const zv = z.arraySync()[0]!, pv = m.prototypes.arraySync() as number[][], dv = d.arraySync()[0]!;
      for (let h = 0; h < 3; h++) for (let w = 0; w < 2; w++) for (let p = 0; p < 8; p++) {
        const a = zv[h]![w]!, b = pv[p]!;
        let want: number;
        if (distance === 'l2') want = a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0);
        else {
          const dot = a.reduce((s, v, k) => s + v * b[k]!, 0), na = Math.hypot(...a), nb = Math.hypot(...b);
          want = 1 - dot / (na * nb);
        }
        expect(dv[h]![w]![p]!).toBeCloseTo(want, 4);
      }
      const s = m.similarity(tf.tensor1d([0])).dataSync()[0]!;
      expect(s).toBeCloseTo(Math.log(1e6 + 1), 4); // ≈ 13.8155 at d = 0
      tf.dispose([z, d]);
      m.dispose();
    }
  });

  it('min pooling takes the first minimum on ties, and readouts follow §2.7', () => {
    const m = new ProtoNet({ ...small, readout: 'sparse' });
    const d = tf.tensor4d([3, 1, 1, 2, 5, 0, 0, 0], [1, 2, 2, 2]); // prototype 0: 3,1,5,0 ; prototype 1: 1,2,0,0
    const idx = tf.argMin(tf.reshape(d, [1, 4, 2]), 1).dataSync();
    expect(Array.from(idx)).toEqual([3, 2]); // first of the tied zeros for prototype 1
    const s = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]]);
    expect(Array.from(m.readoutLogits(s).dataSync())).toEqual([3, 7, 11, 15]); // sparse with all-ones weights
    const lin = new ProtoNet({ ...small, readout: 'linear' });
    // class-specific initialisation: 1 on own prototypes, -0.5 elsewhere
    expect(Array.from(lin.readout!.dataSync().slice(0, 8))).toEqual([1, 1, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5]);
    tf.dispose([d, s]);
    m.dispose();
    lin.dispose();
  });

  it('maps latent cells to their exact receptive fields and argmin cells to pixel boxes', () => {
    const m = new ProtoNet({ ...small, inputSize: [224, 224] });
    const rf = computeReceptiveFields(zooModel('vgg11_bn'), { height: 224, layers: ['maxpool4'] }).layers['maxpool4']!;
    expect(m.latentGrid).toEqual([14, 14]);
    expect(m.rfBoxes[0]).toEqual([...rf.rows[0]!, ...rf.cols[0]!]);
    expect(m.rfBoxes[1 * 14 + 2]).toEqual([...rf.rows[1]!, ...rf.cols[2]!]);
    const boxes = m.pixelSpaceBboxes(tf.tensor2d([[0, 16]], [1, 2], 'int32'));
    expect(Array.from(boxes.slice(4, 8))).toEqual([rf.cols[2]![0], rf.rows[1]![0], rf.cols[2]![1], rf.rows[1]![1]]);
    m.dispose();
  });

  it('sets prototypes with push records, prunes them, and reports its size', () => {
    const m = new ProtoNet({ ...small });
    const v = tf.ones([8, 16]) as Tensor2D;
    m.setPrototypes(v, { sampleIdxs: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]), fmapIdxs: new Int32Array(32) });
    expect(m.push.sampleIdxs[7]).toBe(7);
    expect(() => m.setPrototypes(tf.ones([2, 16]) as Tensor2D)).toThrow(/expected \[8, 16\]/);
    m.prunePrototypes([1, 6]);
    expect(m.prototypes.shape).toEqual([6, 16]);
    expect(m.readout!.shape).toEqual([4, 6]);
    expect(Array.from(m.push.sampleIdxs)).toEqual([0, 2, 3, 4, 5, 7]);
    const info = modelInfo(m);
    expect(info.totalParams).toBeGreaterThan(info.trainableParams); // running statistics are not trained
    expect(info.macs).toBeGreaterThan(0);
    expect(info.macsPerLayer.find(([id]) => id === 'prototypes')![1]).toBe(4 * 4 * 6 * 16);
    v.dispose();
    m.dispose();
    expect(() => new ProtoNet({ ...small, numPrototypes: 10 })).toThrow(/multiple of numClasses \(4\).*try 12/);
  });

  it('builds the bottleneck add-on of the spec example (512 → 256, 256 → 256, 256 → 192, 192 → 192)', () => {
    const g = addOnGraph('bottleneck', 512, 192);
    expect(g.nodes.filter((n) => n.op.type === 'conv2d').map((n) => (n.op as { outChannels: number }).outChannels)).toEqual([256, 256, 192, 192]);
    expect(g.nodes[g.nodes.length - 1]!.op).toEqual({ type: 'activation', fn: 'sigmoid' });
  });
});
