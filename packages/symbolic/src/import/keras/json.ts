/**
 * The JSON side of the Keras importer: unwrapping `model.json` and `to_json()` strings, reading layers and their
 * names safely, and the error that names a layer. Nothing here trusts the input's types.
 */

/** A layer as read from the file: class (the last part of a dotted or `>`-separated name), name and config. */
export interface KerasLayer {
  /** `Conv2D` for `Conv2D`, `keras.layers.Conv2D` or `Custom>Conv2D`. */
  type: string;
  /** The class name as the file gives it. */
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes?: unknown;
}

/** A model topology: `{class_name, config}` with the container it came in. */
export interface Topology {
  class_name: string;
  config: unknown;
  /** It came inside a TensorFlow.js `model.json` (which runs on TensorFlow.js's kernels). */
  tfjs: boolean;
}

/** An error about one layer: `Layer 'name' (Class): …`. */
export class KerasImportError extends Error {
  constructor(layer: { name: string; class_name: string }, message: string) {
    super(`Layer '${layer.name}' (${layer.class_name}): ${message}`);
    this.name = 'KerasImportError';
  }
}

/** A value as the user wrote it (JSON shows Infinity and NaN as null). */
export const show = (v: unknown): string => {
  if (typeof v === 'number') return String(v);
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** A plain object (not an array, not null). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Own property only: `__proto__` or `constructor` in a file must not reach Object.prototype. */
export function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Unwraps `model.json` (`modelTopology`, `model_config`) and `to_json()` strings down to `{class_name, config}`. */
export function topologyOf(json: unknown): Topology {
  if (typeof json === 'string') {
    // what `model.to_json()` returns (or a file written with json.dump of it): the topology as a JSON string
    try {
      json = JSON.parse(json);
    } catch (e) {
      throw new Error(`The model is a string but not JSON (${(e as Error).message}): give the topology that model.to_json() returns, or a model.json.`);
    }
  }
  let t = json;
  let tfjs = false;
  if (isObject(t) && 'modelTopology' in t) {
    tfjs = true;
    t = t['modelTopology'];
  }
  if (isObject(t) && 'model_config' in t) t = t['model_config'];
  if (!isObject(t) || typeof t['class_name'] !== 'string' || !('config' in t)) {
    throw new Error('Not a Keras/TensorFlow.js model topology: expected {"class_name", "config"} (or a model.json with "modelTopology").');
  }
  return { class_name: t['class_name'], config: t['config'], tfjs };
}

/** The class name without module path: `keras.layers.Rescaling` and `Custom>Rescaling` are `Rescaling`. */
export function layerType(className: string): string {
  const parts = className.split(/[.>]/);
  return parts[parts.length - 1]!;
}

/** Reads entry `index` of model `model`'s layer list as a layer, or says what is wrong with it. */
export function readLayer(raw: unknown, index: number, model: string): KerasLayer {
  const where = `Layer #${index + 1} of model '${model}'`;
  if (!isObject(raw)) throw new Error(`${where} is ${show(raw)}, not a {"class_name", "config"} object.`);
  const className = raw['class_name'];
  if (typeof className !== 'string' || className === '') throw new Error(`${where} has no class_name (a string such as "Conv2D").`);
  const config = raw['config'] ?? {};
  if (!isObject(config)) throw new Error(`${where} (${className}): its config is ${show(config)}, not an object.`);
  const name = raw['name'] ?? config['name'];
  if (typeof name !== 'string' || name === '') throw new Error(`${where} (${className}) has no name (a non-empty string).`);
  const layer: KerasLayer = { type: layerType(className), class_name: className, name, config };
  if (raw['inbound_nodes'] !== undefined) layer.inbound_nodes = raw['inbound_nodes'];
  return layer;
}
