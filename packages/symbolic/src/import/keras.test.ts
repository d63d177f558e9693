import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importKerasTopology } from './keras.js';
import { computeReceptiveFields } from '../rf/analyze.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.env['PIXPNET_FIXTURES'] ?? path.resolve(here, '../../../../../shared/fixtures');
const kerasDir = path.join(root, 'keras');
const kerasFiles = fs.existsSync(kerasDir) ? fs.readdirSync(kerasDir).filter((f) => f.endsWith('.json')).sort() : [];

const layer = (class_name: string, name: string, config: Record<string, unknown>, from?: string[]) => ({
  class_name, name, config: { name, ...config }, inbound_nodes: from ? [from.map((f) => [f, 0, 0, {}])] : [],
});

/** A small functional model: a 'same' stride-2 conv, a branch pair, an add, a 'same' pool and a classifier. */
const functional = {
  class_name: 'Model',
  config: {
    name: 'tiny',
    layers: [
      layer('InputLayer', 'in', { batch_input_shape: [null, 15, 15, 3] }),
      layer('Conv2D', 'c1', { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' }, ['in']),
      layer('Conv2D', 'a', { filters: 4, kernel_size: [1, 1], padding: 'valid' }, ['c1']),
      layer('DepthwiseConv2D', 'b', { kernel_size: [3, 3], padding: 'same', depth_multiplier: 1 }, ['c1']),
      layer('Add', 'add', {}, ['a', 'b']),
      layer('MaxPooling2D', 'pool', { pool_size: [2, 2], strides: [2, 2], padding: 'same' }, ['add']),
      layer('GlobalAveragePooling2D', 'gap', {}, ['pool']),
      layer('Dense', 'fc', { units: 3, activation: 'softmax' }, ['gap']),
    ],
    input_layers: [['in', 0, 0]],
    output_layers: [['fc', 0, 0]],
  },
};

describe('importKerasTopology', () => {
  it('imports a functional model, resolving "same" padding for the input size (TF rule: extra padding at the end)', () => {
    const g = importKerasTopology(functional);
    const r = computeReceptiveFields(g, { height: 15 });
    // 15 -> 8 with stride 2 'same': pad total 2, 1 before and 1 after
    expect(r.layers['c1']!.grid).toEqual([8, 8]);
    expect(r.layers['c1']!.rows.slice(0, 2)).toEqual([[0, 2], [1, 4]]);
    expect(r.layers['add']!.rows[0]).toEqual([0, 4]);
    expect(r.layers['pool']!.grid).toEqual([4, 4]);
    expect(r.layers['fc']!.rows).toEqual([[0, 15]]);
  });

  it('takes tfjs model.json wrappers, Sequential models, Keras 3 inbound nodes and an explicit size', () => {
    const seq = { class_name: 'Sequential', config: { name: 's', layers: [
      layer('Conv2D', 'c', { filters: 2, kernel_size: 3, strides: 1, padding: 'valid', batch_input_shape: [null, null, null, 1] }),
      layer('ZeroPadding2D', 'z', { padding: [[1, 0], [0, 2]] }),
      layer('AveragePooling2D', 'p', { pool_size: 2 }),
    ] } };
    const r = computeReceptiveFields(importKerasTopology({ format: 'layers-model', modelTopology: seq }, { height: 10, width: 9 }), { height: 10, width: 9 });
    expect(r.layers['c']!.grid).toEqual([8, 7]);
    expect(r.layers['z']!.grid).toEqual([9, 9]);
    expect(r.layers['p']!.rows[0]).toEqual([0, 3]); // the padded row contributes nothing: c's row 0 only
    const keras3 = structuredClone(functional) as typeof functional;
    for (const l of keras3.config.layers as Array<{ inbound_nodes: unknown[] }>) {
      const from = (l.inbound_nodes[0] as Array<[string]> | undefined)?.map(([n]) => n) ?? [];
      l.inbound_nodes = from.length ? [{ args: from.map((n) => ({ class_name: '__keras_tensor__', config: { keras_history: [n, 0, 0] } })), kwargs: {} }] : [];
    }
    expect(computeReceptiveFields(importKerasTopology(keras3), { height: 15 }).layers['add']!.rows[0]).toEqual([0, 4]);
  });

  it('names unsupported layers and bad input', () => {
    const bad = structuredClone(functional);
    (bad.config.layers as unknown[]).splice(2, 0, layer('Lambda', 'weird', {}, ['c1']));
    expect(() => importKerasTopology(bad)).toThrow(/Layer 'weird' \(Lambda\): this layer type is not supported. Supported: InputLayer, Conv2D/);
    expect(() => importKerasTopology({ hello: 1 })).toThrow(/Not a Keras\/TensorFlow.js model topology/);
    const noSize = { class_name: 'Sequential', config: [layer('Conv2D', 'c', { filters: 1, kernel_size: 3 })] };
    expect(() => importKerasTopology(noSize)).toThrow(/give --size/);
  });

  describe.skipIf(kerasFiles.length === 0)(`real topologies in ${kerasDir}`, () => {
    it.each(kerasFiles)('%s imports and analyses', (file) => {
      const g = importKerasTopology(JSON.parse(fs.readFileSync(path.join(kerasDir, file), 'utf8')));
      const r = computeReceptiveFields(g, { height: 224 });
      expect(Object.keys(r.layers).length).toBeGreaterThan(10);
      if (file.startsWith('mobilenet_1.00_224')) {
        // MobileNet v1's final feature map: 7x7 units with a 315-pixel unclipped field at stride 32 (Araujo et al.)
        expect(r.layers['conv_pw_13_relu']).toMatchObject({ grid: [7, 7], rf: [315, 315], stride: [32, 32] });
      }
    });
  });

  it('accepts the JSON string model.to_json() returns, or a file holding that string', () => {
    const once = importKerasTopology(JSON.stringify(functional));
    const twice = importKerasTopology(JSON.parse(JSON.stringify(JSON.stringify(functional))));
    const r = (g: ReturnType<typeof importKerasTopology>) => computeReceptiveFields(g, { height: 15 }).layers;
    expect(r(once)).toEqual(r(importKerasTopology(functional)));
    expect(r(twice)).toEqual(r(once));
    expect(() => importKerasTopology('{oops')).toThrow(/string but not JSON/);
  });

  it('checks every layer parameter, naming the layer: no fields of 0, negative, NaN or infinite size', () => {
    const withConv = (config: Record<string, unknown>) => ({
      class_name: 'Sequential',
      config: { name: 's', layers: [layer('InputLayer', 'in', { batch_input_shape: [null, 16, 16, 3] }), layer('Conv2D', 'c1', { filters: 4, kernel_size: [3, 3], padding: 'valid', ...config }, ['in'])] },
    });
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ kernel_size: [0, 0] }, /Keras layer 'c1' \(Conv2D\): kernel_size must be positive whole numbers up to 65536 \(one, or one per axis\), got \[0,0\]/],
      [{ strides: -2 }, /'c1' \(Conv2D\): strides must be positive whole numbers/],
      [{ strides: JSON.parse('1e999') }, /strides must be positive whole numbers .*got Infinity/],
      [{ dilation_rate: true }, /dilation_rate must be positive whole numbers .*got true/],
      [{ kernel_size: 2 ** 31 }, /kernel_size must be positive whole numbers up to 65536/],
      [{ filters: 0 }, /filters must be a positive whole number up to 1000000, got 0/],
    ];
    for (const [config, why] of cases) expect(() => importKerasTopology(withConv(config))).toThrow(why);
  });
});
