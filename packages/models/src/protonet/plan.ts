/**
 * The plan of a ProtoNet (spec §2.1–§2.2) from its settings alone: the backbone's graph, the cut, the latent grid
 * and every latent cell's exact receptive field, the channels the add-on receives, the head's sizes. A pure step —
 * no weights, no tensors, no I/O — so that a bad backbone name, cut layer or prototype count is refused before
 * any work, and the one place where the cut is resolved.
 */
import { computeReceptiveFields, inferShapes, stageNode, zooModel } from '@pixpnet/symbolic';
import type { Graph } from '@pixpnet/symbolic';

/** A latent cell's receptive field `[hStart, hStop, wStart, wStop]` (half-open, pixels). */
export type RfBox = [number, number, number, number];

/** The backbone part of a plan. */
export interface BackbonePlan {
  /** The zoo name, e.g. `vgg16_bn`. */
  backbone: string;
  /** The full graph (the builder keeps the nodes the cut needs). */
  graph: Graph;
  /** The cut layer, e.g. `maxpool5`, and its node in the graph. */
  featureLayer: string;
  cutNode: string;
  /** Input `[height, width]`. */
  inputSize: [number, number];
  /** `[Hz, Wz]`. */
  latentGrid: [number, number];
  /** Receptive field of every latent cell, row-major. */
  rfBoxes: RfBox[];
  /** Mean area of a cell's field, in % of the image. */
  meanRfPct: number;
  /** Channels of the cut layer's output (the add-on's input). */
  channels: number;
}

/** What a head needs beyond the backbone. */
export interface HeadSettings {
  numClasses: number;
  numPrototypes: number;
  classSpecific: boolean;
  readout: 'linear' | 'sparse' | 'proto';
}

/**
 * Plans the backbone cut at `featureLayer` for an input of `inputSize`. Errors name the unknown model (with the
 * zoo's names), the unknown layer (with the model's layers), or a cut whose cells' fields are not one rectangle.
 */
export function planBackbone(backbone: string, featureLayer: string, inputSize: [number, number]): BackbonePlan {
  const graph = zooModel(backbone);
  const cutNode = stageNode(graph, featureLayer);
  const [height, width] = inputSize;
  const rf = computeReceptiveFields(graph, { height, width, layers: [featureLayer] }).layers[featureLayer]!;
  if (!rf.product || rf.holes) {
    throw new Error(`${backbone} ${featureLayer}: a latent cell's receptive field is not one rectangle at ${height}x${width}, which PixPNet's mapping needs. ` +
      'Cut at another layer.');
  }
  const rfBoxes: RfBox[] = [];
  for (let i = 0; i < rf.grid[0]; i++) for (let j = 0; j < rf.grid[1]; j++) rfBoxes.push([...rf.rows[i]!, ...rf.cols[j]!] as RfBox);
  const shape = inferShapes(graph, height, width).get(cutNode)!;
  if (shape.kind !== 'map') {
    throw new Error(`${backbone} ${featureLayer} outputs a feature vector, not a feature map: prototypes compare latent patches. Cut at a convolutional layer.`);
  }
  return { backbone, graph, featureLayer, cutNode, inputSize: [height, width], latentGrid: rf.grid, rfBoxes, meanRfPct: rf.meanAreaPct, channels: shape.c };
}

/** Checks the head's sizes against each other; errors name the option to change and a value that works. */
export function checkHead(h: HeadSettings): void {
  const { numPrototypes: P, numClasses: C } = h;
  if (!Number.isInteger(C) || C < 1) throw new Error(`The dataset must have at least one class, got ${C}.`);
  if (!Number.isInteger(P) || P < 1) throw new Error(`numPrototypes must be a whole number ≥ 1, got ${P}.`);
  if (h.classSpecific && P % C !== 0) {
    throw new Error(`numPrototypes (${P}) must be a multiple of numClasses (${C}) for class-specific prototypes: try ${Math.ceil(P / C) * C}.`);
  }
  if (!h.classSpecific && h.readout !== 'linear') throw new Error(`The '${h.readout}' readout needs class-specific prototypes (classSpecific: true).`);
}
