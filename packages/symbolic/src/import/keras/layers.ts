/** One Keras layer (not a model) into IR nodes: the layer table of the importer. */
import type { GraphBuilder } from '../../ir/builder.js';
import { INPUT } from '../../ir/types.js';
import type { ActivationFn, Padding2d, Pair } from '../../ir/types.js';
import type { Shape } from '../../ir/shapes.js';
import { isObject, KerasImportError, own, show } from './json.js';
import type { KerasLayer } from './json.js';
import { choice, constants, intCount, intPair, samePad, sides, transposePads } from './params.js';

/** What converting a layer needs: the graph so far and its shapes. */
export interface LayerContext {
  b: GraphBuilder;
  /** The shape of a node built so far. */
  shape(id: string): Shape;
  /** Whose kernels run the model: Keras (TF 2) or TensorFlow.js; only bilinear upsampling differs. */
  runtime: 'keras' | 'tfjs';
}

/** The layer classes the importer understands (nested `Sequential`/`Functional`/`Model` are flattened). */
export const SUPPORTED_KERAS_LAYERS = [
  'InputLayer', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D',
  'BatchNormalization', 'Rescaling', 'Normalization', 'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax', 'MaxPooling2D',
  'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Flatten', 'Dense', 'Dropout', 'SpatialDropout2D',
  'GaussianNoise', 'Reshape', 'Add', 'Multiply', 'Concatenate', 'Sequential', 'Functional', 'Model',
] as const;

const ACTIVATIONS: Record<string, ActivationFn | 'linear' | 'softmax'> = {
  relu: 'relu', relu6: 'relu6', sigmoid: 'sigmoid', tanh: 'tanh', swish: 'silu', silu: 'silu', gelu: 'gelu',
  hard_sigmoid: 'hardsigmoid', hard_swish: 'hardswish', linear: 'linear', elu: 'relu', selu: 'relu', softplus: 'relu', softmax: 'softmax',
};

const map = (ctx: LayerContext, layer: KerasLayer, id: string) => {
  const s = ctx.shape(id);
  if (s.kind !== 'map') throw new KerasImportError(layer, 'expects a feature map (height × width × channels), but its input is a vector');
  return s;
};

/** Adds the nodes of `layer` reading `ins`, with node id `id`; returns the node that is its output. */
export function convertLayer(ctx: LayerContext, layer: KerasLayer, id: string, ins: string[]): string {
  const { b } = ctx;
  const c = layer.config;
  const x = ins[0] ?? INPUT;
  if (ins.length > 1 && !['Add', 'Multiply', 'Concatenate'].includes(layer.type)) {
    throw new KerasImportError(layer, `reads ${ins.length} tensors; a ${layer.type} layer reads one`);
  }
  const fmt = c['data_format'];
  if (fmt !== undefined && fmt !== null && fmt !== 'channels_last') throw new KerasImportError(layer, `data_format ${show(fmt)} is not supported (channels_last only)`);
  const pads = (k: Pair, s: Pair, d: Pair): Padding2d => {
    const p = c['padding'] ?? 'valid';
    if (p === 'valid') return [[0, 0], [0, 0]];
    if (p !== 'same') throw new KerasImportError(layer, `padding ${show(p)} is not supported ('valid' or 'same')`);
    const m = map(ctx, layer, x);
    return [samePad(m.h, k[0], s[0], d[0]), samePad(m.w, k[1], s[1], d[1])];
  };
  const activation = (y: string): string => {
    let a = c['activation'];
    if (isObject(a) && typeof a['config'] === 'string') a = a['config']; // Keras 3 may serialise {"class_name": "function", "config": "relu"}
    if (a === undefined || a === null || a === 'linear') return y;
    const fn = typeof a === 'string' ? own(ACTIVATIONS, a) : undefined;
    if (!fn) throw new KerasImportError(layer, `activation ${show(a)} is not supported (${Object.keys(ACTIVATIONS).join(', ')})`);
    if (fn === 'linear') return y;
    if (fn === 'softmax') return b.add(`${id}/softmax`, { type: 'softmax' }, [y]);
    return b.act(`${id}/${a as string}`, y, fn);
  };
  const bias = c['use_bias'] !== false;
  switch (layer.type) {
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'SeparableConv2D': {
      const k = intPair(layer, 'kernel_size', c['kernel_size'], 1);
      const s = intPair(layer, 'strides', c['strides'], 1, [1, 1]);
      const d = intPair(layer, 'dilation_rate', c['dilation_rate'], 1, [1, 1]);
      const inC = map(ctx, layer, x).c;
      const padding = pads(k, s, d);
      if (layer.type === 'Conv2D') {
        return activation(b.conv(id, x, intCount(layer, 'filters', c['filters']), k,
          { stride: s, dilation: d, padding, groups: intCount(layer, 'groups', c['groups'], 1), bias }));
      }
      const mult = intCount(layer, 'depth_multiplier', c['depth_multiplier'], 1);
      const dw = b.conv(layer.type === 'DepthwiseConv2D' ? id : `${id}/depthwise`, x, inC * mult, k,
        { stride: s, dilation: d, padding, groups: inC, bias: layer.type === 'DepthwiseConv2D' && bias });
      return activation(layer.type === 'DepthwiseConv2D' ? dw : b.conv(`${id}/pointwise`, dw, intCount(layer, 'filters', c['filters']), 1, { bias }));
    }
    case 'Conv2DTranspose': {
      const k = intPair(layer, 'kernel_size', c['kernel_size'], 1);
      const s = intPair(layer, 'strides', c['strides'], 1, [1, 1]);
      const d = intPair(layer, 'dilation_rate', c['dilation_rate'], 1, [1, 1]);
      const same = choice(layer, 'padding', ['valid', 'same'], 'valid') === 'same';
      const op = c['output_padding'] === undefined || c['output_padding'] === null ? null : intPair(layer, 'output_padding', c['output_padding'], 0);
      if (op && (op[0] >= s[0] || op[1] >= s[1])) throw new KerasImportError(layer, `output_padding ${show(c['output_padding'])} must be smaller than the strides ${show(s)}`);
      const m = map(ctx, layer, x);
      const [h, w] = [transposePads(m.h, k[0], s[0], d[0], same, op?.[0] ?? null), transposePads(m.w, k[1], s[1], d[1], same, op?.[1] ?? null)];
      return activation(b.convTranspose(id, x, intCount(layer, 'filters', c['filters']), k,
        { stride: s, dilation: d, padding: [[h[0], h[1]], [w[0], w[1]]], outputPadding: [h[2], w[2]], bias }));
    }
    case 'UpSampling2D': {
      const size = intPair(layer, 'size', c['size'], 1, [2, 2]);
      const mode = choice(layer, 'interpolation', ['nearest', 'bilinear'], 'nearest');
      return b.upsample(id, x, size, mode, ctx.runtime === 'keras');
    }
    case 'Cropping2D':
      return b.crop(id, x, sides(layer, 'cropping', c['cropping'], 0));
    case 'ZeroPadding2D':
      return b.zeroPad(id, x, sides(layer, 'padding', c['padding'], 1));
    case 'Rescaling':
      return b.rescale(id, x, 'rescaling', constants(layer, 'scale', 1), constants(layer, 'offset', 0));
    case 'Normalization': {
      const mean = constants(layer, 'mean'), variance = constants(layer, 'variance');
      if (mean === undefined || variance === undefined) return b.rescale(id, x, 'normalization'); // adapted: the constants are in the weights
      const n = Array.isArray(mean) ? mean.length : Array.isArray(variance) ? variance.length : 1;
      const at = (v: number | number[], i: number) => (Array.isArray(v) ? v[i] ?? NaN : v);
      const scale: number[] = [], offset: number[] = [];
      for (let i = 0; i < n; i++) {
        const m = at(mean, i), v = at(variance, i);
        if (!(v >= 0)) throw new KerasImportError(layer, `variance must be ≥ 0 with one value per mean, got ${show(c['variance'])}`);
        const sd = Math.max(Math.sqrt(v), 1e-7);
        if (c['invert'] === true) (scale.push(sd), offset.push(m));
        else (scale.push(1 / sd), offset.push(-m / sd));
      }
      return b.rescale(id, x, 'normalization', n === 1 ? scale[0] : scale, n === 1 ? offset[0] : offset);
    }
    case 'BatchNormalization':
      return b.bn(id, x, Number(c['epsilon'] ?? 1e-3), 1 - Number(c['momentum'] ?? 0.99));
    case 'Activation': {
      const y = activation(x);
      return y === x ? b.identity(id, x, 'linear') : y;
    }
    case 'ReLU':
      return b.act(id, x, c['max_value'] === 6 ? 'relu6' : 'relu');
    case 'LeakyReLU':
    case 'PReLU':
    case 'ELU':
      return b.act(id, x, 'relu');
    case 'Softmax':
      return b.add(id, { type: 'softmax' }, [x]);
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const k = intPair(layer, 'pool_size', c['pool_size'], 1, [2, 2]);
      const s = intPair(layer, 'strides', c['strides'], 1, k);
      const o = { stride: s, padding: pads(k, s, [1, 1]) };
      return layer.type === 'MaxPooling2D' ? b.maxPool(id, x, k, o) : b.avgPool(id, x, k, { ...o, countIncludePad: false });
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      map(ctx, layer, x);
      return b.adaptiveAvgPool(id, x, 1); // kept as a 1×1 map: Dense flattens it, Reshape([1,1,C]) keeps it
    case 'Flatten':
      return b.flatten(id, x);
    case 'Dense': {
      const units = intCount(layer, 'units', c['units']);
      const s = ctx.shape(x);
      // Keras applies Dense to the last axis: on a map larger than 1×1 it is a 1×1 convolution, unit by unit
      if (s.kind === 'map' && s.h * s.w > 1) return activation(b.conv(id, x, units, 1, { bias }));
      return activation(b.linear(id, x, units, bias));
    }
    case 'Dropout':
    case 'SpatialDropout2D':
    case 'GaussianNoise':
      return b.identity(id, x, 'dropout', typeof c['rate'] === 'number' ? c['rate'] : 0);
    case 'Reshape': {
      const target = c['target_shape'];
      if (!Array.isArray(target) || target.length === 0 || !target.every((v) => typeof v === 'number' && Number.isInteger(v) && (v >= 1 || v === -1))) {
        throw new KerasImportError(layer, `target_shape must be a list of positive whole numbers (or -1), got ${show(target)}`);
      }
      const xs = ctx.shape(x);
      const flat = xs.kind === 'vector' || (xs.h === 1 && xs.w === 1);
      if (target.length === 1) return b.flatten(id, x); // a vector: Flatten, whatever the order
      if (flat && xs.kind === 'map' && target.length === 3 && target[0] === 1 && target[1] === 1) return b.identity(id, x, 'reshape');
      throw new KerasImportError(layer, `reshaping to [${target.join(', ')}] moves units across positions, which the importer does not support`);
    }
    case 'Add':
      return b.sum(id, ins);
    case 'Multiply':
      return b.mul(id, ins);
    case 'Concatenate': {
      const axis = c['axis'] ?? -1;
      if (axis !== -1 && axis !== 3) throw new KerasImportError(layer, `concatenation on axis ${show(axis)} is not supported (channels, axis -1, only)`);
      return b.cat(id, ins);
    }
    default:
      throw new KerasImportError(layer, `this layer type is not supported. Supported: ${SUPPORTED_KERAS_LAYERS.join(', ')}.`);
  }
}
