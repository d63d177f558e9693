/**
 * Models into IR nodes: Sequential and functional models, and models nested as layers in them (to any depth),
 * flattened into one graph. A nested model's layers are named `outer/inner/layer` — the path of model names, so
 * every name stays unique and says where it came from — and the nested model's own name (prefixed likewise) names
 * its output.
 */
import { INPUT } from '../../ir/types.js';
import { isObject, KerasImportError, layerType, readLayer, show } from './json.js';
import type { KerasLayer } from './json.js';
import { endpoints, inbound } from './inbound.js';
import type { TensorRef } from './inbound.js';
import { convertLayer } from './layers.js';
import type { LayerContext } from './layers.js';

import { MAX_NESTING } from './input_shape.js';

const NESTED = new Set(['Sequential', 'Functional', 'Model']);

/** A model to import: its class and config (a layer list, or `{name, layers, input_layers, output_layers}`). */
export interface ModelSpec {
  class_name: string;
  config: unknown;
}

interface Walk extends LayerContext {
  depth: number;
}

/** The model's layer list and name. */
function layersOf(model: ModelSpec, fallbackName: string): { name: string; layers: unknown[]; config: Record<string, unknown> } {
  const cfg = model.config;
  if (Array.isArray(cfg)) {
    if (cfg.length === 0) throw new Error(`Model '${fallbackName}' (${model.class_name}) has no layers.`);
    return { name: fallbackName, layers: cfg, config: {} };
  }
  if (!isObject(cfg)) throw new Error(`Model '${fallbackName}' (${model.class_name}): its config is ${show(cfg)}, not an object with "layers".`);
  const layers = cfg['layers'];
  if (!Array.isArray(layers)) throw new Error(`Model '${fallbackName}' (${model.class_name}): config.layers is ${show(layers)}, not a list of layers.`);
  if (layers.length === 0) throw new Error(`Model '${fallbackName}' (${model.class_name}) has no layers.`);
  return { name: typeof cfg['name'] === 'string' && cfg['name'] ? cfg['name'] : fallbackName, layers, config: cfg };
}

/**
 * Imports `model` reading `inputs` (node ids); `prefix` goes before its layers' names. Returns the node ids of its
 * outputs.
 */
export function importModel(ctx: LayerContext, model: ModelSpec, name: string, prefix: string, inputs: string[], depth = 0): string[] {
  if (depth > MAX_NESTING) throw new Error(`Model '${name}' is nested more than ${MAX_NESTING} models deep.`);
  const w: Walk = { ...ctx, depth };
  return layerType(model.class_name) === 'Sequential' ? sequential(w, model, name, prefix, inputs) : functional(w, model, name, prefix, inputs);
}

/** One layer (or nested model) reading `ins`; returns its outputs. */
function importLayer(w: Walk, layer: KerasLayer, prefix: string, ins: string[]): string[] {
  const id = prefix + layer.name;
  if (layer.type === 'InputLayer') return [ins[0] ?? INPUT];
  if (NESTED.has(layer.type)) {
    if (ins.length === 0) ins = [INPUT];
    const outs = importModel(w, { class_name: layer.class_name, config: layer.config }, layer.name, `${id}/`, ins, w.depth + 1);
    // the nested model's name stands for its output (when it has one, and it is not just its input)
    if (outs.length === 1 && !ins.includes(outs[0]!)) w.b.stage(id, outs[0]!);
    return outs;
  }
  const out = convertLayer(w, layer, id, ins);
  if (out !== INPUT && !ins.includes(out)) w.b.stage(id, out);
  return [out];
}

function sequential(w: Walk, model: ModelSpec, fallbackName: string, prefix: string, inputs: string[]): string[] {
  const { name, layers } = layersOf(model, fallbackName);
  if (inputs.length !== 1) throw new Error(`Model '${name}' (Sequential) is called on ${inputs.length} tensors; a Sequential model reads one.`);
  let prev = inputs;
  const names = new Set<string>();
  for (let k = 0; k < layers.length; k++) {
    const layer = readLayer(layers[k], k, name);
    if (names.has(layer.name)) throw new Error(`Model '${name}' has two layers named '${layer.name}': layer names must be unique.`);
    names.add(layer.name);
    prev = importLayer(w, layer, prefix, prev);
    if (prev.length !== 1) throw new KerasImportError(layer, `has ${prev.length} outputs; in a Sequential model every layer has one`);
  }
  return prev;
}

function functional(w: Walk, model: ModelSpec, fallbackName: string, prefix: string, inputs: string[]): string[] {
  const { name, layers: raw, config } = layersOf(model, fallbackName);
  const layers = raw.map((l, k) => readLayer(l, k, name));
  const byName = new Map<string, KerasLayer>();
  for (const l of layers) {
    if (byName.has(l.name)) throw new Error(`Model '${name}' has two layers named '${l.name}': layer names must be unique.`);
    byName.set(l.name, l);
  }
  const refs = new Map<string, TensorRef[]>();
  for (const l of layers) {
    const r = inbound(l, NESTED.has(l.type));
    for (const t of r) {
      if (!byName.has(t.layer)) throw new KerasImportError(l, `reads '${t.layer}', which is not a layer of model '${name}'`);
    }
    refs.set(l.name, r);
  }
  const inputNames = (endpoints(config['input_layers'], name, 'input_layers') ?? []).map((r) => r.layer);
  const outs = new Map<string, string[]>();
  let nextInput = 0;
  for (const l of topologicalOrder(layers, refs, name)) {
    let ins: string[];
    if (l.type === 'InputLayer') {
      const k = inputNames.indexOf(l.name);
      ins = [inputs[k >= 0 ? k : nextInput++] ?? inputs[0] ?? INPUT];
    } else {
      ins = refs.get(l.name)!.map((r) => {
        const o = outs.get(r.layer)![r.tensor];
        if (o === undefined) throw new KerasImportError(l, `reads output #${r.tensor} of '${r.layer}', which has ${outs.get(r.layer)!.length}`);
        return o;
      });
      if (ins.length === 0) ins = [inputs[0] ?? INPUT];
    }
    outs.set(l.name, importLayer(w, l, prefix, ins));
  }
  const outputs = endpoints(config['output_layers'], name, 'output_layers');
  if (!outputs) return outs.get(layers[layers.length - 1]!.name)!;
  return outputs.map((r) => {
    const o = outs.get(r.layer)?.[r.tensor];
    if (o === undefined) throw new Error(`Model '${name}': output_layers names output #${r.tensor} of '${r.layer}', which is not a layer output of the model.`);
    return o;
  });
}

/**
 * The layers in an order where each comes after the layers it reads: the file's order when it already is one
 * (Keras writes them so), else a topological sort. A cycle is an error naming its layers.
 */
function topologicalOrder(layers: KerasLayer[], refs: Map<string, TensorRef[]>, model: string): KerasLayer[] {
  const seen = new Set<string>();
  let ordered = true;
  for (const l of layers) {
    if (refs.get(l.name)!.some((r) => !seen.has(r.layer))) {
      ordered = false;
      break;
    }
    seen.add(l.name);
  }
  if (ordered) return layers;
  // Kahn's algorithm, in file order among the ready layers
  const waiting = new Map<string, number>();
  const readers = new Map<string, string[]>();
  for (const l of layers) {
    const deps = new Set(refs.get(l.name)!.map((r) => r.layer));
    waiting.set(l.name, deps.size);
    for (const d of deps) {
      const list = readers.get(d);
      if (list) list.push(l.name);
      else readers.set(d, [l.name]);
    }
  }
  const byName = new Map(layers.map((l) => [l.name, l]));
  const queue = layers.filter((l) => waiting.get(l.name) === 0);
  const out: KerasLayer[] = [];
  for (let q = 0; q < queue.length; q++) {
    const l = queue[q]!;
    out.push(l);
    for (const r of readers.get(l.name) ?? []) {
      const n = waiting.get(r)! - 1;
      waiting.set(r, n);
      if (n === 0) queue.push(byName.get(r)!);
    }
  }
  if (out.length < layers.length) {
    const stuck = layers.filter((l) => waiting.get(l.name)! > 0).map((l) => `'${l.name}'`);
    throw new Error(`Model '${model}': layers ${stuck.slice(0, 10).join(', ')}${stuck.length > 10 ? ', …' : ''} read each other in a cycle (or read a layer in one).`);
  }
  return out;
}
