import { describe, expect, it } from 'vitest';
import { importKerasTopology } from '../keras.js';
import { computeReceptiveFields } from '../../rf/analyze.js';
import type { RfReport } from '../../rf/analyze.js';

type Json = Record<string, unknown>;
/** A Keras 2 layer; `from` are the layers it reads (output 0 of each unless `name:k`). */
const layer = (class_name: string, name: string, config: Json, from?: string[]): Json => ({
  class_name, name, config: { name, ...config },
  inbound_nodes: from ? [from.map((f) => { const [n, k] = f.split(':'); return [n, 0, Number(k ?? 0), {}]; })] : [],
});
/** The same layer in Keras 3's node format. */
const layer3 = (class_name: string, name: string, config: Json, from?: string[]): Json => ({
  module: 'keras.layers', class_name, name, config: { name, ...config },
  inbound_nodes: from ? [{ args: from.map((f) => { const [n, k] = f.split(':'); return { class_name: '__keras_tensor__', config: { keras_history: [n, 0, Number(k ?? 0)] } }; }), kwargs: {} }] : [],
});
const conv = (name: string, k: number, s = 1, from?: string[]) => layer('Conv2D', name, { filters: 2, kernel_size: [k, k], strides: [s, s], padding: 'same', activation: 'relu' }, from);

/** The fields of every reported layer, without timing. */
const fields = (r: RfReport) => Object.fromEntries(Object.entries(r.layers).map(([n, l]) => [n, { grid: l.grid, rows: l.rows, cols: l.cols, rf: l.rf }]));

describe('nested models are flattened', () => {
  // a Teachable Machine export: Sequential( Sequential( Functional(mobilenet-ish), GAP ), Sequential(Dense, Dense) )
  const base = {
    class_name: 'Model', config: {
      name: 'model1',
      layers: [
        layer('InputLayer', 'input_1', { batch_input_shape: [null, 24, 20, 3] }),
        conv('Conv1', 3, 2, ['input_1']),
        layer('DepthwiseConv2D', 'dw', { kernel_size: 3, padding: 'same' }, ['Conv1']),
        conv('pw', 1, 1, ['dw']),
      ],
      input_layers: [['input_1', 0, 0]], output_layers: [['pw', 0, 0]],
    },
  };
  const tm = {
    format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { name: 'sequential_4', layers: [
      { class_name: 'Sequential', config: { name: 'sequential_1', layers: [base, layer('GlobalAveragePooling2D', 'gap', {})] } },
      { class_name: 'Sequential', config: { name: 'sequential_3', layers: [layer('Dense', 'dense_1', { units: 8, activation: 'relu' }), layer('Dense', 'dense_2', { units: 2, activation: 'softmax' })] } },
    ] } },
  };
  const flat = { class_name: 'Sequential', config: { name: 'flat', layers: [
    layer('InputLayer', 'input_1', { batch_input_shape: [null, 24, 20, 3] }), conv('Conv1', 3, 2), layer('DepthwiseConv2D', 'dw', { kernel_size: 3, padding: 'same' }),
    conv('pw', 1, 1), layer('GlobalAveragePooling2D', 'gap', {}), layer('Dense', 'dense_1', { units: 8 }), layer('Dense', 'dense_2', { units: 2 }),
  ] } };

  it('Sequential in Sequential with a functional model inside (Teachable Machine): names are model paths, fields as if flat', () => {
    const g = importKerasTopology(tm);
    expect(g.inputSize).toEqual([24, 20]); // found two models deep
    expect(g.stages.map(([n]) => n)).toEqual([
      'sequential_1/model1/Conv1', 'sequential_1/model1/dw', 'sequential_1/model1/pw', 'sequential_1/model1', 'sequential_1/gap', 'sequential_1',
      'sequential_3/dense_1', 'sequential_3/dense_2', 'sequential_3',
    ]);
    const nested = fields(computeReceptiveFields(g, {}));
    const plain = fields(computeReceptiveFields(importKerasTopology(flat), {}));
    for (const n of ['Conv1', 'dw', 'pw', 'gap', 'dense_1', 'dense_2']) {
      const path = n.startsWith('dense') ? `sequential_3/${n}` : n === 'gap' ? 'sequential_1/gap' : `sequential_1/model1/${n}`;
      expect([n, nested[path]]).toEqual([n, plain[n]]);
    }
    expect(nested['sequential_1/model1']).toEqual(nested['sequential_1/model1/pw']);
    expect(nested['sequential_3/dense_2']!.rows).toEqual([[0, 24]]);
  });

  it('functional in functional, Keras 2 and Keras 3 node formats, with a nested model of two outputs', () => {
    for (const L of [layer, layer3]) {
      const enc = {
        class_name: 'Functional', name: 'enc', config: {
          name: 'enc',
          layers: [
            L('InputLayer', 'x_in', { batch_shape: [null, null, null, 3] }),
            L('Conv2D', 'c1', { filters: 2, kernel_size: 3, padding: 'same' }, ['x_in']),
            L('Conv2D', 'c2', { filters: 2, kernel_size: 3, strides: 2, padding: 'same' }, ['c1']),
            L('UpSampling2D', 'u', { size: 2 }, ['c2']),
          ],
          input_layers: L === layer3 ? ['x_in', 0, 0] : [['x_in', 0, 0]], // Keras 3 writes a single input flat
          output_layers: [['c1', 0, 0], ['u', 0, 0]],
        },
        inbound_nodes: (L('X', 'enc', {}, ['inp']) as { inbound_nodes: unknown }).inbound_nodes,
      };
      const outer = { class_name: 'Functional', config: { name: 'outer', layers: [
        L('InputLayer', 'inp', { batch_shape: [null, 16, 12, 3] }),
        enc,
        L('Add', 'sum', {}, ['enc:0', 'enc:1']),
        L('Conv2D', 'head', { filters: 1, kernel_size: 3, padding: 'same' }, ['sum']),
      ], input_layers: [['inp', 0, 0]], output_layers: [['head', 0, 0]] } };
      const g = importKerasTopology(outer);
      expect(g.stages.map(([n]) => n)).toEqual(['enc/c1', 'enc/c2', 'enc/u', 'sum', 'head']); // two outputs: 'enc' names neither
      expect(g.nodes.find((n) => n.id === 'sum')!.inputs).toEqual(['enc/c1', 'enc/u']);
      const r = computeReceptiveFields(g, {});
      expect([r.height, r.width]).toEqual([16, 12]);
      expect(r.layers['enc/u']!.rows.slice(0, 3)).toEqual([[0, 4], [0, 4], [1, 6]]); // c2's rows 0, 0, 1 (nearest)
      expect(r.layers['sum']!.rows[1]).toEqual([0, 4]);
    }
  });

  it('refuses shared nested models, cycles, dangling references and absurd nesting, naming them', () => {
    const shared = { class_name: 'Functional', config: { name: 'siamese', layers: [
      layer('InputLayer', 'a', { batch_input_shape: [null, 8, 8, 3] }),
      { ...layer('Sequential', 'tower', {}), config: { name: 'tower', layers: [conv('c', 3)] }, inbound_nodes: [[['a', 0, 0, {}]], [['a', 0, 0, {}]]] },
    ] } };
    expect(() => importKerasTopology(shared)).toThrow(/Layer 'tower' \(Sequential\): the nested model is called 2 times \(a shared model\)/);
    const cycle = { class_name: 'Functional', config: { name: 'loop', layers: [
      layer('InputLayer', 'in', { batch_input_shape: [null, 8, 8, 3] }), conv('a', 3, 1, ['b']), conv('b', 3, 1, ['a']),
    ] } };
    expect(() => importKerasTopology(cycle)).toThrow(/Model 'loop': layers 'a', 'b' read each other in a cycle/);
    const dangling = { class_name: 'Functional', config: { name: 'm', layers: [layer('InputLayer', 'in', { batch_input_shape: [null, 8, 8, 3] }), conv('a', 3, 1, ['ghost'])] } };
    expect(() => importKerasTopology(dangling)).toThrow(/Layer 'a' \(Conv2D\): reads 'ghost', which is not a layer of model 'm'/);
    let deep: Json = { class_name: 'Sequential', config: { name: 'm0', layers: [layer('InputLayer', 'in', { batch_input_shape: [null, 8, 8, 3] }), conv('c', 3)] } };
    for (let k = 1; k < 100; k++) deep = { class_name: 'Sequential', config: { name: `m${k}`, layers: [deep] } };
    expect(() => importKerasTopology(deep)).toThrow(/nested more than 64 models deep/);
    const out = { class_name: 'Functional', config: { name: 'm', layers: [layer('InputLayer', 'in', { batch_input_shape: [null, 8, 8, 3] }), conv('a', 3, 1, ['in:3'])] } };
    expect(() => importKerasTopology(out)).toThrow(/Layer 'a' \(Conv2D\): reads output #3 of 'in', which has 1/);
  });

  it('imports layers in dependency order when the file lists them out of order', () => {
    const shuffled = { class_name: 'Functional', config: { name: 'm', layers: [
      conv('b', 3, 1, ['a']), layer('InputLayer', 'in', { batch_input_shape: [null, 9, 9, 3] }), conv('a', 3, 2, ['in']),
    ] } };
    const r = computeReceptiveFields(importKerasTopology(shuffled), {});
    expect(r.layers['b']!.rows[1]).toEqual([0, 6]); // a's rows 0–2: [0, 2), [1, 4), [3, 6)
  });
});

describe('found by fuzzing', () => {
  it('a functional model whose config is an empty list is refused by name', () => {
    expect(() => importKerasTopology({ model_config: { class_name: 'Functional', config: [] } }, { height: 1 })).toThrow(/Model 'model' \(Functional\) has no layers/);
  });
});
