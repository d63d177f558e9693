/**
 * The tensors a layer reads, from its `inbound_nodes`: Keras 2 and TensorFlow.js (`[[["name", node, tensor, {}]]]`)
 * and Keras 3 (`[{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["name", node, tensor]}}]}]`).
 */
import { isObject, KerasImportError, show } from './json.js';
import type { KerasLayer } from './json.js';

/** One tensor a layer reads: output `tensor` of layer `layer`. */
export interface TensorRef {
  layer: string;
  tensor: number;
}

/** How deep a Keras 3 node's arguments may nest (lists of lists of tensors). */
const MAX_ARGS_DEPTH = 32;

function ref(layer: KerasLayer, entry: unknown, where: string): TensorRef {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
    throw new KerasImportError(layer, `${where} is ${show(entry)}, not ["layer name", node index, tensor index]`);
  }
  const tensor = entry[2] ?? 0;
  if (typeof tensor !== 'number' || !Number.isInteger(tensor) || tensor < 0 || tensor > 1_000_000) {
    throw new KerasImportError(layer, `${where}: the tensor index ${show(tensor)} of '${entry[0]}' is not a whole number ≥ 0`);
  }
  return { layer: entry[0], tensor };
}

/** The tensors a layer reads, in order; `[]` for an input layer or a layer of a Sequential model. */
export function inbound(layer: KerasLayer, nested: boolean): TensorRef[] {
  const nodes = layer.inbound_nodes ?? [];
  if (!Array.isArray(nodes)) throw new KerasImportError(layer, `inbound_nodes is ${show(nodes)}, not a list`);
  if (nodes.length === 0) return [];
  if (nodes.length > 1) {
    throw new KerasImportError(layer, nested
      ? `the nested model is called ${nodes.length} times (a shared model); the importer supports models called once: save the model with one call per copy`
      : `the layer is called ${nodes.length} times (a shared layer), which the importer does not support`);
  }
  const node = nodes[0];
  if (Array.isArray(node)) return node.map((t, k) => ref(layer, t, `inbound tensor #${k + 1}`));
  if (!isObject(node)) throw new KerasImportError(layer, `its inbound node is ${show(node)}, neither a list nor {"args": …}`);
  const found: TensorRef[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > MAX_ARGS_DEPTH) throw new KerasImportError(layer, `its inbound node's arguments nest deeper than ${MAX_ARGS_DEPTH} levels`);
    if (Array.isArray(v)) for (const e of v) walk(e, depth + 1);
    else if (isObject(v)) {
      const cfg = v['config'];
      if (v['class_name'] === '__keras_tensor__') {
        if (!isObject(cfg) || !Array.isArray(cfg['keras_history'])) throw new KerasImportError(layer, `a __keras_tensor__ without keras_history: ${show(v)}`);
        found.push(ref(layer, cfg['keras_history'], 'a keras_history'));
      } else for (const e of Object.values(v)) walk(e, depth + 1);
    }
  };
  walk(node['args'], 0);
  return found;
}

/**
 * A model's `input_layers` / `output_layers`: `[["name", 0, 0], …]`, or Keras 3's single `["name", 0, 0]`.
 * `undefined` when absent.
 */
export function endpoints(value: unknown, model: string, field: string): TensorRef[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new Error(`Model '${model}': ${field} is ${show(value)}, not a list of ["layer name", node index, tensor index].`);
  const list = typeof value[0] === 'string' ? [value] : value;
  return list.map((e, k) => {
    if (!Array.isArray(e) || typeof e[0] !== 'string') {
      throw new Error(`Model '${model}': ${field} entry #${k + 1} is ${show(e)}, not ["layer name", node index, tensor index].`);
    }
    const tensor = e[2] ?? 0;
    if (typeof tensor !== 'number' || !Number.isInteger(tensor) || tensor < 0) {
      throw new Error(`Model '${model}': ${field} entry #${k + 1}: the tensor index ${show(tensor)} is not a whole number ≥ 0.`);
    }
    return { layer: e[0], tensor };
  });
}
