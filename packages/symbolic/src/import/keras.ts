/**
 * Imports a Keras `model.to_json()` topology or a TensorFlow.js `model.json` (layers format) into the IR,
 * for receptive-field analysis. Keras `same` padding depends on the input size, so the size is an input of the
 * import (by default the model's own): the graph's explicit padding is exact for that size, and the graph
 * remembers it ({@link Graph.inputSize}).
 *
 * The work is linear in the number of layers: shapes are inferred once per node as the graph grows.
 */
import { GraphBuilder } from '../ir/builder.js';
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import { nodeShape } from '../ir/shapes.js';
import type { Shape } from '../ir/shapes.js';
import { checkSide } from '../ir/limits.js';
import { isObject, topologyOf } from './keras/json.js';
import { modelInputShape } from './keras/input_shape.js';
import type { InputShape } from './keras/input_shape.js';
import { importModel } from './keras/model.js';
import type { LayerContext } from './keras/layers.js';

export { SUPPORTED_KERAS_LAYERS } from './keras/layers.js';

/** Options of {@link importKerasTopology}. */
export interface KerasImportOptions {
  /** Input height; default the model's own input shape (required when the model leaves it free). */
  height?: number;
  /** Input width; default the model's own input width, else `height`. */
  width?: number;
  /** Name of the graph; default the model's name. */
  name?: string;
  /**
   * Whose kernels run the model: `keras` (TF 2: bilinear upsampling with half-pixel centres) or `tfjs`
   * (TensorFlow.js: without). Default `tfjs` for a `model.json` with `modelTopology`, else `keras`.
   */
  runtime?: 'keras' | 'tfjs';
  /** Called with a warning (the size given differs from the model's own input size). */
  onWarning?: (message: string) => void;
}

/** The input shape a topology fixes (`null` where free), or `undefined` when it gives none. */
export function kerasInputShape(json: unknown): InputShape | undefined {
  return modelInputShape(topologyOf(json));
}

/**
 * Imports a Keras or TensorFlow.js layers-model topology: Sequential and functional models, nested models flattened
 * (layers named `model/layer`), for an input of `height × width` (default the model's own size). Every layer is a
 * stage named by its layer name. An unsupported layer is an error naming the layer and listing
 * `SUPPORTED_KERAS_LAYERS`; so is every malformed parameter.
 */
export function importKerasTopology(json: unknown, options: KerasImportOptions = {}): Graph {
  const topo = topologyOf(json);
  const own = modelInputShape(topo);
  const [height, width] = inputSize(own, options);
  const cfg = topo.config;
  const name = options.name ?? (isObject(cfg) && typeof cfg['name'] === 'string' && cfg['name'] ? cfg['name'] : 'model');
  const b = new GraphBuilder(name, own?.channels ?? 3);
  b.inputSize = [height, width];
  const shapes = new Map<string, Shape>([[INPUT, { kind: 'map', c: own?.channels ?? 3, h: height, w: width }]]);
  let done = 0;
  const ctx: LayerContext = {
    b,
    runtime: options.runtime ?? (topo.tfjs ? 'tfjs' : 'keras'),
    shape(id: string): Shape {
      // infer the shapes of the nodes added since the last call: each node once, so the import stays linear
      const nodes = b.added;
      for (; done < nodes.length; done++) {
        const node = nodes[done]!;
        try {
          shapes.set(node.id, nodeShape(name, node, node.inputs.map((i) => shapes.get(i)!)));
        } catch (e) {
          throw new Error(`${(e as Error).message} (input ${height}x${width})`);
        }
      }
      return shapes.get(id)!;
    },
  };
  importModel(ctx, topo, name, '', [INPUT]);
  if (b.added.length === 0) throw new Error(`Model '${name}' has no layers besides its input.`);
  ctx.shape(INPUT); // the last layer's shape is checked too
  return b.build();
}

/** The input size: the options', else the model's own; warns when they differ; bounded. */
function inputSize(own: InputShape | undefined, options: KerasImportOptions): [number, number] {
  const height = options.height ?? own?.height ?? undefined;
  if (height === undefined) {
    throw new Error(`The model does not fix its input size${own ? ` (layer '${own.source}' leaves the height free)` : ''}: give --size (and --width) to pixpnet rf, or height (and width) to importKerasTopology.`);
  }
  const width = options.width ?? own?.width ?? height;
  checkSide(options.height !== undefined ? 'The input height' : `The input height of layer '${own!.source}'`, height);
  checkSide(options.width !== undefined ? 'The input width' : own?.width != null ? `The input width of layer '${own.source}'` : 'The input width', width);
  if (own && ((own.height !== null && own.height !== height) || (own.width !== null && own.width !== width))) {
    options.onWarning?.(`The model's input is ${own.height ?? 'any'}x${own.width ?? 'any'} (layer '${own.source}'); analysing it at ${height}x${width} as asked.`);
  }
  return [height, width];
}
