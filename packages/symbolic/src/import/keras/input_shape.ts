/**
 * The input shape a model fixes: `batch_input_shape` (Keras 2, TensorFlow.js), `batch_shape` (Keras 3) or
 * Sequential's `build_input_shape`, found on the input layer — inside nested models too (a Teachable Machine
 * export keeps it two Sequentials deep).
 */
import { isObject, layerType, show } from './json.js';
import { endpoints } from './inbound.js';

/** `[height, width, channels]`, each `null` where the model leaves it free, and where it was found. */
export interface InputShape {
  height: number | null;
  width: number | null;
  channels: number | null;
  /** The layer (or model) that gives it. */
  source: string;
}

const NESTED = new Set(['Sequential', 'Functional', 'Model']);
/** How deep models may nest. */
export const MAX_NESTING = 64;

const modelName = (cfg: unknown) => (isObject(cfg) && typeof cfg['name'] === 'string' ? cfg['name'] : 'model');

/** `[batch, h, w, c]` read from a value, or `undefined` when it is not a 4-D shape (a vector model, say). */
function shape4(v: unknown, source: string): Omit<InputShape, 'source'> | undefined {
  if (!Array.isArray(v) || v.length !== 4) return undefined;
  const dims = v.slice(1).map((d, k) => {
    if (d === null) return null;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) {
      throw new Error(`${source}: input dimension ${k + 1} is ${show(d)}, not a positive whole number or null.`);
    }
    return d;
  });
  return { height: dims[0] ?? null, width: dims[1] ?? null, channels: dims[2] ?? null };
}

function configShape(config: Record<string, unknown>, source: string): InputShape | undefined {
  const s = shape4(config['batch_input_shape'] ?? config['batch_shape'], source);
  return s && { ...s, source };
}

/** The input shape of a model (`{class_name, config}`), or `undefined` when it gives none. */
export function modelInputShape(model: { class_name: string; config: unknown }, depth = 0): InputShape | undefined {
  if (depth > MAX_NESTING) throw new Error(`Model '${modelName(model.config)}' is nested more than ${MAX_NESTING} models deep.`);
  const cfg = model.config;
  const layers = Array.isArray(cfg) ? cfg : isObject(cfg) && Array.isArray(cfg['layers']) ? cfg['layers'] : [];
  const name = modelName(cfg);
  const layerName = (l: Record<string, unknown>, c: Record<string, unknown>) => String(l['name'] ?? c['name'] ?? '?');
  const fromLayer = (l: unknown): InputShape | undefined => {
    if (!isObject(l) || typeof l['class_name'] !== 'string') return undefined;
    const c = isObject(l['config']) ? l['config'] : {};
    const own = configShape(c, `Layer '${layerName(l, c)}'`);
    if (own) return { ...own, source: layerName(l, c) };
    if (NESTED.has(layerType(l['class_name']))) return modelInputShape({ class_name: l['class_name'], config: l['config'] }, depth + 1);
    return undefined;
  };
  if (layerType(model.class_name) === 'Sequential') {
    if (isObject(cfg)) {
      const built = shape4(cfg['build_input_shape'], `Model '${name}' build_input_shape`);
      if (built) return { ...built, source: name };
    }
    return fromLayer(layers[0]);
  }
  // functional: the first input layer named by input_layers, else any layer that gives a shape
  const inputs = isObject(cfg) ? endpoints(cfg['input_layers'], name, 'input_layers') : undefined;
  const first = inputs?.[0]?.layer;
  if (first !== undefined) {
    const l = layers.find((x) => isObject(x) && (x['name'] === first || (isObject(x['config']) && x['config']['name'] === first)));
    const s = fromLayer(l);
    if (s) return s;
  }
  for (const l of layers) {
    if (!isObject(l) || !isObject(l['config'])) continue;
    const s = configShape(l['config'], `Layer '${layerName(l, l['config'])}'`);
    if (s) return { ...s, source: layerName(l, l['config']) };
  }
  return undefined;
}
