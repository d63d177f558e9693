/**
 * The registry of heat-map methods: a method turns one image and its similarity maps into a pixel-space map per
 * prototype. The ROT, the consistency boxes and the explanation panels take methods by name from here; another
 * package adds one (PRP registers `prp`) with {@link registerHeatmapMethod}, without changing this package.
 */
import type { Tensor4D } from '@pixpnet/engine';
import type { ProtoNet } from '@pixpnet/models';
import { upsampleBicubic } from './bicubic.js';
import { rfHeatmaps } from './gaussian.js';

/** What a method is given for one image. */
export interface HeatmapInput {
  model: ProtoNet;
  /** The image, `1 × H × W × 3`, normalised (do not dispose it). */
  image: Tensor4D;
  /** Its similarity maps `P × Hz × Wz` (row-major). */
  similarities: Float32Array;
  /** The prototypes to map. */
  prototypes: readonly number[];
  /** Seeded uniform numbers in [0, 1) (fresh for every image). */
  random: () => number;
}

/** A heat-map method. */
export interface HeatmapMethod {
  /** The name used on the command line and in result keys, e.g. `rf`. */
  name: string;
  /** The legend label, e.g. `Ours`. */
  label: string;
  description: string;
  /** `prototypes.length × H × W` maps, in the order of `input.prototypes`. */
  compute(input: HeatmapInput): Float32Array | Promise<Float32Array>;
}

const METHODS = new Map<string, HeatmapMethod>();

/** Adds a method (or replaces one of the same name). */
export function registerHeatmapMethod(method: HeatmapMethod): void {
  METHODS.set(method.name, method);
}

/** The registered method names, in registration order. */
export function heatmapMethodNames(): string[] {
  return [...METHODS.keys()];
}

/** The method `name`; an unknown name is an error listing the known ones. */
export function heatmapMethod(name: string): HeatmapMethod {
  const m = METHODS.get(name);
  if (!m) throw new Error(`Unknown heat-map method '${name}': choose one of ${heatmapMethodNames().join(', ')}${name === 'prp' ? ' (prp is added by @pixpnet/prp: import it first)' : ''}.`);
  return m;
}

registerHeatmapMethod({
  name: 'rf', label: 'Ours', description: "PixPNet: each cell's similarity over its exact receptive field, Gaussian-weighted, maximum over cells",
  compute: ({ model, similarities, prototypes }) =>
    rfHeatmaps(similarities, model.latentGrid, model.rfBoxes, model.config.inputSize, { prototypes }).max,
});

registerHeatmapMethod({
  name: 'upsample', label: 'Upsample', description: 'ProtoPNet: the similarity map upsampled bicubically to the input size',
  compute: ({ model, similarities, prototypes }) => {
    const [Hz, Wz] = model.latentGrid, [H, W] = model.config.inputSize;
    const cells = Hz * Wz;
    const picked = new Float32Array(prototypes.length * cells);
    prototypes.forEach((p, q) => picked.set(similarities.subarray(p * cells, (p + 1) * cells), q * cells));
    return upsampleBicubic(picked, prototypes.length, Hz, Wz, H, W);
  },
});

registerHeatmapMethod({
  name: 'random', label: 'Random', description: 'a uniform random map, drawn afresh for every image',
  compute: ({ model, prototypes, random }) => {
    const [H, W] = model.config.inputSize;
    const out = new Float32Array(prototypes.length * H * W);
    for (let i = 0; i < out.length; i++) out[i] = random();
    return out;
  },
});
