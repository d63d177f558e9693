/**
 * Imports a Keras `model.to_json()` topology or a TensorFlow.js `model.json` (layers format) into the IR,
 * for receptive-field analysis. Keras `same` padding depends on the input size, so the size is an input of the
 * import: the graph's explicit padding is exact for that size.
 */
import { GraphBuilder } from '../ir/builder.js';
import { INPUT } from '../ir/types.js';
import type { ActivationFn, Graph, Padding2d } from '../ir/types.js';
import { inferShapes } from '../ir/shapes.js';

/** Options of {@link importKerasTopology}. */
export interface KerasImportOptions {
  /** Input height; default the model's own input shape. */
  height?: number;
  /** Input width; default the model's own input shape, else `height`. */
  width?: number;
  /** Name of the graph; default the model's name. */
  name?: string;
}

interface KerasLayer {
  class_name: string;
  name?: string;
  config: Record<string, unknown>;
  inbound_nodes?: unknown[];
}

/** The layer classes the importer understands. */
export const SUPPORTED_KERAS_LAYERS = [
  'InputLayer', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'ZeroPadding2D', 'BatchNormalization', 'Activation', 'ReLU',
  'LeakyReLU', 'PReLU', 'ELU', 'Softmax', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D',
  'Flatten', 'Dense', 'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'Reshape', 'Add', 'Multiply', 'Concatenate',
] as const;

const ACTIVATIONS: Record<string, ActivationFn | 'linear' | 'softmax'> = {
  relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', tanh: 'tanh', swish: 'silu', silu: 'silu', gelu: 'gelu',
  hard_sigmoid: 'hardsigmoid', hard_swish: 'hardswish', linear: 'linear', elu: 'relu', selu: 'relu', softplus: 'relu', softmax: 'softmax',
};

class ImportError extends Error {
  constructor(layer: KerasLayer, message: string) {
    super(`Layer '${layer.name ?? layer.config['name']}' (${layer.class_name}): ${message}`);
    this.name = 'KerasImportError';
  }
}

/** Unwraps `model.json` (`modelTopology`, `model_config`) down to `{class_name, config}`. */
function topologyOf(json: unknown): { class_name: string; config: unknown } {
  if (typeof json === 'string') {
    // what `model.to_json()` returns (or a file written with json.dump of it): the topology as a JSON string
    try {
      json = JSON.parse(json);
    } catch (e) {
      throw new Error(`The model is a string but not JSON (${(e as Error).message}): give the topology that model.to_json() returns, or a model.json.`);
    }
  }
  let t = json as Record<string, unknown>;
  if (t && typeof t === 'object' && 'modelTopology' in t) t = t['modelTopology'] as Record<string, unknown>;
  if (t && typeof t === 'object' && 'model_config' in t) t = t['model_config'] as Record<string, unknown>;
  if (!t || typeof t !== 'object' || typeof t['class_name'] !== 'string' || !('config' in t)) {
    throw new Error('Not a Keras/TensorFlow.js model topology: expected {"class_name", "config"} (or a model.json with "modelTopology").');
  }
  return t as { class_name: string; config: unknown };
}

/** Inbound layer names of a layer, for Keras 2 (`[[["name", 0, 0, {}]]]`) and Keras 3 (`keras_history`). */
function inbound(layer: KerasLayer): string[] {
  const nodes = layer.inbound_nodes ?? [];
  if (nodes.length === 0) return [];
  if (nodes.length > 1) throw new ImportError(layer, 'shared layers (called more than once) are not supported');
  const node = nodes[0];
  if (Array.isArray(node)) return node.map((t) => (t as unknown[])[0] as string);
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const cfg = o['config'] as Record<string, unknown> | undefined;
      if (o['class_name'] === '__keras_tensor__' && cfg && Array.isArray(cfg['keras_history'])) found.push(cfg['keras_history'][0] as string);
      else Object.values(o).forEach(walk);
    }
  };
  walk((node as Record<string, unknown>)['args']);
  return found;
}

function inputShape(layers: KerasLayer[]): [number | null, number | null, number | null] | undefined {
  for (const l of layers) {
    const s = (l.config['batch_input_shape'] ?? l.config['batch_shape']) as Array<number | null> | undefined;
    if (s && s.length === 4) return [s[1] ?? null, s[2] ?? null, s[3] ?? null];
  }
  return undefined;
}

/** TF `same` padding for one axis and input length. */
/** A value as the user wrote it (JSON shows Infinity and NaN as null). */
const show = (v: unknown) => (typeof v === 'number' ? String(v) : JSON.stringify(v));
const nameOf = (l: KerasLayer) => l.name ?? String(l.config?.['name'] ?? '?');

/** The largest kernel, stride, dilation, padding or width accepted (anything larger is a broken file, and would hang). */
const MAX_PARAM = 65_536;

/** A layer's `[h, w]` parameter (a number or a pair), checked: whole numbers in `[min, MAX_PARAM]`, the layer named. */
function intPair(layer: KerasLayer, field: string, value: unknown, min: number, fallback?: [number, number]): [number, number] {
  if (value === undefined || value === null) {
    if (fallback) return fallback;
    throw new Error(`Keras layer '${nameOf(layer)}' (${layer.class_name}) has no ${field}.`);
  }
  const v = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= MAX_PARAM)) {
    throw new Error(`Keras layer '${nameOf(layer)}' (${layer.class_name}): ${field} must be ${min === 0 ? 'whole numbers ≥ 0' : 'positive whole numbers'} up to ${MAX_PARAM} (one, or one per axis), got ${show(value)}.`);
  }
  return [v[0], v[1]] as [number, number];
}

/** A layer's count (filters, units, groups, …): a positive whole number up to 10⁶, the layer named. */
function intCount(layer: KerasLayer, field: string, value: unknown, fallback?: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1_000_000) {
    throw new Error(`Keras layer '${nameOf(layer)}' (${layer.class_name}): ${field} must be a positive whole number up to 1000000, got ${show(value)}.`);
  }
  return v;
}

function samePad(len: number, k: number, s: number, d: number): [number, number] {
  const out = Math.ceil(len / s);
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - len, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Imports a Keras or TensorFlow.js layers-model topology. */
export function importKerasTopology(json: unknown, options: KerasImportOptions = {}): Graph {
  const topo = topologyOf(json);
  const cfg = topo.config as Record<string, unknown> | KerasLayer[];
  const layers: KerasLayer[] = Array.isArray(cfg) ? cfg : ((cfg['layers'] as KerasLayer[]) ?? []);
  if (layers.length === 0) throw new Error('The topology has no layers.');
  const sequential = topo.class_name === 'Sequential';
  const shape = inputShape(layers);
  const height = options.height ?? shape?.[0] ?? undefined;
  const width = options.width ?? shape?.[1] ?? height;
  if (!height || !width) throw new Error('The model does not fix its input size: give --size (and --width).');
  const channels = shape?.[2] ?? 3;
  const name = options.name ?? (Array.isArray(cfg) ? 'model' : String(cfg['name'] ?? 'model'));
  const b = new GraphBuilder(name, channels);
  const ids = new Map<string, string>();
  let prev = INPUT;
  const sizeOf = (id: string) => {
    const s = inferShapes(b.build(), height, width).get(id)!;
    if (s.kind !== 'map') throw new Error(`'${id}' is not a feature map`);
    return s;
  };
  for (const layer of layers) {
    const lname = String(layer.name ?? layer.config['name']);
    const c = layer.config;
    const ins = sequential ? [prev] : inbound(layer).map((n) => {
      const id = ids.get(n);
      if (!id) throw new ImportError(layer, `reads '${n}', which is not defined before it`);
      return id;
    });
    const x = ins[0] ?? INPUT;
    const str = (k: string) => (c[k] === undefined ? undefined : String(c[k]));
    const fmt = str('data_format');
    if (fmt && fmt !== 'channels_last') throw new ImportError(layer, `data_format ${fmt} is not supported (channels_last only)`);
    const pads = (k: [number, number], s: [number, number], d: [number, number]): Padding2d => {
      if (str('padding') === 'valid' || c['padding'] === undefined) return [[0, 0], [0, 0]];
      if (str('padding') !== 'same') throw new ImportError(layer, `padding '${str('padding')}' is not supported`);
      const m = sizeOf(x);
      return [samePad(m.h, k[0], s[0], d[0]), samePad(m.w, k[1], s[1], d[1])];
    };
    const activation = (id: string, y: string): string => {
      const a = str('activation');
      if (!a || a === 'linear') return y;
      const fn = ACTIVATIONS[a];
      if (!fn) throw new ImportError(layer, `activation '${a}' is not supported`);
      if (fn === 'linear') return y;
      if (fn === 'softmax') return b.add(`${id}/softmax`, { type: 'softmax' }, [y]);
      return b.act(`${id}/${a}`, y, fn);
    };
    let out: string;
    switch (layer.class_name) {
      case 'InputLayer':
        out = INPUT;
        break;
      case 'Conv2D':
      case 'DepthwiseConv2D':
      case 'SeparableConv2D': {
        const k = intPair(layer, 'kernel_size', c['kernel_size'], 1);
        const s = intPair(layer, 'strides', c['strides'], 1, [1, 1]);
        const d = intPair(layer, 'dilation_rate', c['dilation_rate'], 1, [1, 1]);
        const inC = sizeOf(x).c;
        const bias = c['use_bias'] !== false;
        const padding = pads(k, s, d);
        if (layer.class_name === 'Conv2D') {
          out = b.conv(lname, x, intCount(layer, 'filters', c['filters']), k, { stride: s, dilation: d, padding, groups: intCount(layer, 'groups', c['groups'], 1), bias });
        } else {
          const mult = intCount(layer, 'depth_multiplier', c['depth_multiplier'], 1);
          const dw = b.conv(layer.class_name === 'DepthwiseConv2D' ? lname : `${lname}/depthwise`, x, inC * mult, k,
            { stride: s, dilation: d, padding, groups: inC, bias: layer.class_name === 'DepthwiseConv2D' && bias });
          out = layer.class_name === 'DepthwiseConv2D' ? dw : b.conv(`${lname}/pointwise`, dw, intCount(layer, 'filters', c['filters']), 1, { bias });
        }
        out = activation(lname, out);
        break;
      }
      case 'ZeroPadding2D': {
        const p = c['padding'] as number | [number, number] | [[number, number], [number, number]];
        const padding: Padding2d = Array.isArray(p) && Array.isArray(p[0])
          ? [intPair(layer, 'padding (top, bottom)', p[0], 0), intPair(layer, 'padding (left, right)', p[1], 0)]
          : ((q) => [[q[0], q[0]], [q[1], q[1]]] as Padding2d)(intPair(layer, 'padding', p, 0));
        out = b.zeroPad(lname, x, padding);
        break;
      }
      case 'BatchNormalization':
        out = b.bn(lname, x, Number(c['epsilon'] ?? 1e-3), 1 - Number(c['momentum'] ?? 0.99));
        break;
      case 'Activation':
        out = activation(lname, x);
        if (out === x) out = b.identity(lname, x, 'linear');
        break;
      case 'ReLU':
        out = b.act(lname, x, c['max_value'] === 6 ? 'relu6' : 'relu');
        break;
      case 'LeakyReLU':
      case 'PReLU':
      case 'ELU':
        out = b.act(lname, x, 'relu');
        break;
      case 'Softmax':
        out = b.add(lname, { type: 'softmax' }, [x]);
        break;
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const k = intPair(layer, 'pool_size', c['pool_size'], 1, [2, 2]);
        const s = intPair(layer, 'strides', c['strides'], 1, k);
        const o = { stride: s, padding: pads(k, s, [1, 1]) };
        out = layer.class_name === 'MaxPooling2D' ? b.maxPool(lname, x, k, o) : b.avgPool(lname, x, k, { ...o, countIncludePad: false });
        break;
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D':
        out = b.adaptiveAvgPool(lname, x, 1); // kept as a 1×1 map: Dense flattens it, Reshape([1,1,C]) keeps it
        break;
      case 'Flatten':
        out = b.flatten(lname, x);
        break;
      case 'Dense':
        out = activation(lname, b.linear(lname, x, intCount(layer, 'units', c['units']), c['use_bias'] !== false));
        break;
      case 'Dropout':
      case 'SpatialDropout2D':
      case 'GaussianNoise':
        out = b.identity(lname, x, 'dropout', Number(c['rate'] ?? 0));
        break;
      case 'Reshape': {
        const target = c['target_shape'] as number[];
        const n = target.reduce((a, v) => a * v, 1);
        const xs = inferShapes(b.build(), height, width).get(x)!;
        const flat = xs.kind === 'vector' || (xs.h === 1 && xs.w === 1);
        if (flat && target.length === 1) out = b.flatten(lname, x);
        else if (flat && xs.kind === 'map' && target.length === 3 && target[0] === 1 && target[1] === 1) out = b.identity(lname, x, 'reshape');
        else if (n === 0) throw new ImportError(layer, 'empty target shape');
        else throw new ImportError(layer, `reshaping to [${target}] moves units across positions, which the importer does not support`);
        break;
      }
      case 'Add':
        out = b.sum(lname, ins);
        break;
      case 'Multiply':
        out = b.mul(lname, ins);
        break;
      case 'Concatenate': {
        const axis = Number(c['axis'] ?? -1);
        if (axis !== -1 && axis !== 3) throw new ImportError(layer, `concatenation on axis ${axis} is not supported (channels, axis -1, only)`);
        out = b.cat(lname, ins);
        break;
      }
      default:
        throw new ImportError(layer, `this layer type is not supported. Supported: ${SUPPORTED_KERAS_LAYERS.join(', ')}.`);
    }
    ids.set(lname, out);
    if (out !== INPUT) b.stage(lname, out);
    prev = out;
  }
  return b.build();
}
