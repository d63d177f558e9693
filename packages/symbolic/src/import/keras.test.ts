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

describe('importKerasTopology: sizes, preprocessing, decoders, speed', () => {
  const seq = (layers: unknown[], name = 's') => ({ class_name: 'Sequential', config: { name, layers } });
  const input = (h: number | null, w: number | null) => layer('InputLayer', 'in', { batch_input_shape: [null, h, w, 3] });

  it('defaults to the model\'s own input size (160×140 stays 160×140), warns when told otherwise, needs a size only when free', () => {
    const model = seq([input(160, 140), layer('Conv2D', 'c', { filters: 1, kernel_size: 3, padding: 'same' })]);
    const g = importKerasTopology(model);
    expect(g.inputSize).toEqual([160, 140]);
    expect(computeReceptiveFields(g, {})).toMatchObject({ height: 160, width: 140 });
    const warnings: string[] = [];
    const other = importKerasTopology(model, { height: 200, onWarning: (w) => warnings.push(w) });
    expect(other.inputSize).toEqual([200, 140]); // the width stays the model's
    expect(warnings).toEqual(["The model's input is 160x140 (layer 'in'); analysing it at 200x140 as asked."]);
    expect(() => computeReceptiveFields(other, { height: 160 })).toThrow(/was built for 200x140 input .* not 160x160: import it again/);
    expect(importKerasTopology(seq([input(null, null), layer('Flatten', 'f', {})]), { height: 30 }).inputSize).toEqual([30, 30]);
    expect(() => importKerasTopology(seq([input(null, 64), layer('Flatten', 'f', {})]))).toThrow(/layer 'in' leaves the height free\): give --size/);
    expect(() => importKerasTopology(seq([input(300000, 300000), layer('Flatten', 'f', {})]))).toThrow(/The input height of layer 'in' must be a whole number of pixels from 1 to 16384, got 300000/);
    expect(() => importKerasTopology(model, { height: 300000 })).toThrow(/The input height must be a whole number of pixels from 1 to 16384/);
    // Keras 3 Sequential: build_input_shape
    const k3 = { class_name: 'Sequential', config: { name: 'k3', build_input_shape: [null, 48, 32, 1], layers: [layer('Conv2D', 'c', { filters: 1, kernel_size: 3 })] } };
    expect(importKerasTopology(k3)).toMatchObject({ inputSize: [48, 32], inputChannels: 1 });
  });

  it('bounds paddings: a ZeroPadding of 100,000 is refused naming the layer, a map beyond 16384 naming the node', () => {
    expect(() => importKerasTopology(seq([input(32, 32), layer('ZeroPadding2D', 'z', { padding: 100000 })])))
      .toThrow(/Keras layer 'z' \(ZeroPadding2D\): padding must be whole numbers ≥ 0 up to 65536/);
    expect(() => importKerasTopology(seq([input(32, 32), layer('ZeroPadding2D', 'z', { padding: 60000 })])))
      .toThrow(/node 'z' \(zeroPad2d\): the output would be 120032x120032, larger than the 16384 units per side the analysis accepts \(input 32x32\)/);
    expect(() => importKerasTopology(seq([input(4000, 4000), layer('UpSampling2D', 'u', { size: 8 })]))).toThrow(/node 'u' \(upsample2d\): the output would be 32000x32000/);
  });

  it('Rescaling and Normalization (any module path) keep every field; adapted constants stay in the weights', () => {
    const g = importKerasTopology(seq([
      input(12, 12),
      { module: 'keras.layers', class_name: 'Rescaling', config: { name: 'rescale', scale: 1 / 127.5, offset: -1 } },
      { class_name: 'keras.layers.experimental.preprocessing.Normalization', config: { name: 'norm', axis: -1, mean: [1, 2, 3], variance: [4, 4, 4] } },
      { class_name: 'Normalization', config: { name: 'adapted', axis: -1, mean: null, variance: null } },
      layer('Conv2D', 'c', { filters: 1, kernel_size: 3 }),
    ]));
    expect(g.nodes.map((n) => n.op)).toEqual([
      { type: 'rescale', role: 'rescaling', scale: 1 / 127.5, offset: -1 },
      { type: 'rescale', role: 'normalization', scale: [0.5, 0.5, 0.5], offset: [-0.5, -1, -1.5] },
      { type: 'rescale', role: 'normalization' },
      expect.objectContaining({ type: 'conv2d' }),
    ]);
    const r = computeReceptiveFields(g, {});
    expect(r.layers['rescale']!.rows[5]).toEqual([5, 6]);
    expect(r.layers['c']!.rows[0]).toEqual([0, 3]);
    expect(() => importKerasTopology(seq([input(8, 8), layer('Rescaling', 'r', { scale: 'big' })]))).toThrow(/Layer 'r' \(Rescaling\): scale must be a finite number or a list of them, got "big"/);
  });

  it('decoders: Conv2DTranspose (valid, same, output_padding), UpSampling2D, Cropping2D, as Keras sizes them', () => {
    const unet = { class_name: 'Functional', config: { name: 'unet', layers: [
      layer('InputLayer', 'in', { batch_input_shape: [null, 16, 16, 3] }),
      layer('Conv2D', 'e1', { filters: 4, kernel_size: 3, padding: 'same', activation: 'relu' }, ['in']),
      layer('MaxPooling2D', 'p1', { pool_size: 2 }, ['e1']),
      layer('Conv2DTranspose', 'same', { filters: 4, kernel_size: 3, strides: 2, padding: 'same' }, ['p1']),
      layer('Concatenate', 'skip', { axis: -1 }, ['same', 'e1']),
      layer('Conv2DTranspose', 'valid', { filters: 2, kernel_size: 3, strides: 2, padding: 'valid' }, ['p1']),
      layer('Conv2DTranspose', 'sparse', { filters: 2, kernel_size: 2, strides: 3, padding: 'valid' }, ['p1']),
      layer('Conv2DTranspose', 'outpad', { filters: 2, kernel_size: 3, strides: 2, padding: 'same', output_padding: 0 }, ['p1']),
      layer('UpSampling2D', 'up', { size: [2, 2], interpolation: 'bilinear' }, ['p1']),
      layer('Cropping2D', 'crop', { cropping: [[1, 2], [3, 0]] }, ['up']),
    ] } };
    const g = importKerasTopology(unet);
    const op = (id: string) => g.nodes.find((n) => n.id === id)!.op;
    // 'same' 8 → 16: TF pads the forward conv of 16 by 1 (0 before, 1 after): the full 17 loses its last row
    expect(op('same')).toMatchObject({ type: 'conv2dTranspose', padding: [[0, 1], [0, 1]], outputPadding: [0, 0] });
    expect(op('valid')).toMatchObject({ padding: [[0, 0], [0, 0]], outputPadding: [0, 0] }); // 8·2 + 1 = 17
    expect(op('sparse')).toMatchObject({ padding: [[0, 0], [0, 0]], outputPadding: [1, 1] }); // 8·3 = 24, full 23
    expect(op('outpad')).toMatchObject({ padding: [[1, 1], [1, 1]], outputPadding: [0, 0] }); // (8−1)·2 + 3 − 2 + 0 = 15
    expect(op('up')).toEqual({ type: 'upsample2d', scale: [2, 2], mode: 'bilinear', halfPixelCenters: true });
    const r = computeReceptiveFields(g, {});
    expect(['same', 'skip', 'valid', 'sparse', 'outpad', 'up', 'crop'].map((n) => r.layers[n]!.grid[0])).toEqual([16, 16, 17, 24, 15, 16, 13]);
    expect(r.layers['skip']!.channelsDiffer).toBe(true);
    // the same file as a TensorFlow.js model.json runs on tfjs's bilinear kernel (no half-pixel centres)
    const tfjs = importKerasTopology({ format: 'layers-model', modelTopology: unet });
    expect(tfjs.nodes.find((n) => n.id === 'up')!.op).toMatchObject({ halfPixelCenters: false });
    const bad = structuredClone(unet);
    (bad.config.layers[3]!.config as Record<string, unknown>)['output_padding'] = 2;
    expect(() => importKerasTopology(bad)).toThrow(/Layer 'same' \(Conv2DTranspose\): output_padding 2 must be smaller than the strides \[2,2\]/);
    (bad.config.layers[3]!.config as Record<string, unknown>)['output_padding'] = null;
    (bad.config.layers[8]!.config as Record<string, unknown>)['interpolation'] = 'bicubic';
    expect(() => importKerasTopology(bad)).toThrow(/Layer 'up' \(UpSampling2D\): interpolation "bicubic" is not supported \(nearest or bilinear\)/);
  });

  it('a Dense layer on a map acts unit by unit (a 1×1 convolution); after Flatten it sees the whole image', () => {
    const g = importKerasTopology(seq([input(10, 8), layer('Conv2D', 'c', { filters: 2, kernel_size: 3 }), layer('Dense', 'd', { units: 4 }),
      layer('Flatten', 'f', {}), layer('Dense', 'fc', { units: 3 })]));
    expect(g.nodes.find((n) => n.id === 'd')!.op).toMatchObject({ type: 'conv2d', kernel: [1, 1], outChannels: 4 });
    const r = computeReceptiveFields(g, {});
    expect([r.layers['d']!.grid, r.layers['d']!.rows[2], r.layers['d']!.rf]).toEqual([[8, 6], [2, 5], [3, 3]]);
    expect([r.layers['fc']!.rows, r.layers['fc']!.cols, r.layers['fc']!.rf, r.layers['fc']!.stride]).toEqual([[[0, 10]], [[0, 8]], [10, 8], [8, 6]]);
  });

  it('imports and analyses a 20,000-layer chain (its speed, linear in the layers, is measured by npm run bench -- rf --keras-chain)', () => {
    const layers: unknown[] = [input(8, 8)];
    for (let k = 0; k < 20000; k++) {
      layers.push(k % 2 ? layer('BatchNormalization', `bn${k}`, {}) : layer('Conv2D', `c${k}`, { filters: 2, kernel_size: 3, padding: 'same', activation: 'relu' }));
    }
    const g = importKerasTopology(JSON.stringify(seq(layers)));
    const r = computeReceptiveFields(g, {});
    expect(g.nodes).toHaveLength(30000); // 10,000 convs with their ReLU, 10,000 batch norms
    expect(Object.keys(r.layers)).toHaveLength(20000);
    expect(r.layers['bn19999']!.rows[0]).toEqual([0, 8]);
    expect(r.layers['bn19999']!.rf).toEqual([20001, 20001]);
  });
});
