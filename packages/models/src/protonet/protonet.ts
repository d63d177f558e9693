/**
 * The ProtoPNet/PixPNet model (spec §2.2–§2.10): a backbone cut at a feature layer, add-on layers, prototypes
 * `P × D` (K = 1), distances, the log or linear activation, global min pooling and a readout. Every latent cell
 * knows its exact receptive field from `@pixpnet/symbolic` for the model's input size.
 */
import { conv2d, tf } from '@pixpnet/engine';
import type { Tensor, Tensor2D, Tensor4D, Variable } from '@pixpnet/engine';
import { Backbone } from '../backbone.js';
import type { StateDict } from '../state_dict.js';
import { addOnGraph } from './add_on.js';
import type { AddOnType } from './add_on.js';
import { checkHead, planBackbone } from './plan.js';
import type { BackbonePlan, RfBox } from './plan.js';

/** Configuration of a {@link ProtoNet} (defaults are the reference CLI's, spec §3.10). */
export interface ProtoNetConfig {
  /** Backbone zoo name, e.g. `vgg16_bn`. */
  backbone: string;
  /** The cut layer (spec §2.1), e.g. `maxpool5`. */
  featureLayer: string;
  numClasses: number;
  /** Input `[height, width]` the receptive fields are computed for. */
  inputSize: [number, number];
  /** P, default 500; class-specific mode needs a multiple of `numClasses`. */
  numPrototypes?: number;
  /** D, default 512. */
  prototypeDim?: number;
  addOnType?: AddOnType;
  distance?: 'l2' | 'cosine';
  activation?: 'log' | 'linear';
  /** ε of the log activation, default 1e-6. */
  epsilon?: number;
  readout?: 'linear' | 'sparse' | 'proto';
  classSpecific?: boolean;
  correctStrength?: number;
  incorrectStrength?: number;
  learnPrototypes?: boolean;
  /** Backbone weights (torchvision names). */
  backboneWeights?: StateDict;
  seed?: number;
}

/** What {@link ProtoNet.forward} returns (NHWC-style layouts: distances are `N × Hz × Wz × P`). */
export interface ProtoNetOutput {
  logits: Tensor2D;
  /** `N × P`. */
  minDistances: Tensor2D;
  /** `N × P`, int32: flat index `h·Wz + w` of each minimum (first in row-major order on ties). */
  minDistIdxs: Tensor2D;
  /** `N × Hz × Wz × P`. */
  distances: Tensor4D;
  /** `N × P`. */
  maxSimilarities: Tensor2D;
  /** The add-on output `N × Hz × Wz × D`, when asked for. */
  features?: Tensor4D;
}

/** Push records: the training sample and latent patch each prototype was projected onto (−1: none yet). */
export interface PushRecords {
  sampleIdxs: Int32Array;
  /** `P × 4`: `[hStart, hEnd, wStart, wEnd]` in latent cells. */
  fmapIdxs: Int32Array;
}

let instances = 0;

export class ProtoNet {
  readonly config: Required<Omit<ProtoNetConfig, 'backboneWeights' | 'seed'>>;
  readonly backbone: Backbone;
  readonly addOn: Backbone;
  readonly prototypes: Variable;
  /** `C × P` (linear) or `C × P/C` (sparse); absent for the parameter-free `proto` readout. */
  readout?: Variable;
  /** `P × C` one-hot class identity (class-specific mode). */
  classIdentity: Tensor2D;
  push: PushRecords;
  /** Receptive field of every latent cell, row-major, for `inputSize`. */
  readonly rfBoxes: RfBox[];
  readonly latentGrid: [number, number];
  /** The backbone's plan: graph, cut, latent grid, receptive fields (see {@link planBackbone}). */
  readonly plan: BackbonePlan;
  private readonly instance: number;
  private generation = 0;

  constructor(config: ProtoNetConfig) {
    const c = {
      numPrototypes: 500, prototypeDim: 512, addOnType: 'regular' as AddOnType, distance: 'l2' as const, activation: 'log' as const,
      epsilon: 1e-6, readout: 'linear' as const, classSpecific: true, correctStrength: 1, incorrectStrength: -0.5, learnPrototypes: true,
      ...config,
    };
    const { backboneWeights, seed, ...rest } = c;
    this.config = rest;
    const P = c.numPrototypes, C = c.numClasses, D = c.prototypeDim;
    checkHead({ numClasses: C, numPrototypes: P, classSpecific: c.classSpecific, readout: c.readout });
    const plan = planBackbone(c.backbone, c.featureLayer, c.inputSize);
    this.plan = plan;
    this.latentGrid = plan.latentGrid;
    this.rfBoxes = plan.rfBoxes;
    this.backbone = new Backbone(plan.graph, { cut: c.featureLayer, seed: seed ?? 0, ...(backboneWeights ? { weights: backboneWeights } : {}) });
    this.addOn = new Backbone(addOnGraph(c.addOnType, plan.channels, D), { seed: (seed ?? 0) + 7919 });
    tf.tidy(() => {
      // spec §2.8: conv_last Xavier-normal, other add-on convs Kaiming-normal (fan out, ReLU gain), biases 0
      for (const s of this.addOn.specs) {
        const v = this.addOn.variable(s.name);
        if (s.name.endsWith('.bias')) v.assign(tf.zeros(s.tfShape));
        else if (s.name.startsWith('conv_last.')) {
          const [, , fin, fout] = s.tfShape as number[];
          v.assign(tf.randomNormal(s.tfShape, 0, Math.sqrt(2 / (fin! + fout!)), 'float32', (seed ?? 0) + 1));
        }
      }
    });
    this.instance = ++instances;
    const initial = tf.randomUniform([P, D], 0, 1, 'float32', (seed ?? 0) + 2);
    this.prototypes = tf.variable(initial, c.learnPrototypes, this.varName('prototype_vectors'));
    initial.dispose(); // the variable holds its own reference to the data
    const ident = new Float32Array(P * C);
    if (c.classSpecific) for (let j = 0; j < P; j++) ident[j * C + this.prototypeClass(j)] = 1;
    this.classIdentity = tf.keep(tf.tensor2d(ident, [P, C]));
    if (c.readout === 'linear') {
      const w = c.classSpecific
        ? tf.tidy(() => tf.add(tf.mul(tf.transpose(this.classIdentity), c.correctStrength - c.incorrectStrength), c.incorrectStrength))
        : tf.randomUniform([C, P], -1 / Math.sqrt(P), 1 / Math.sqrt(P), 'float32', (seed ?? 0) + 3);
      this.readout = tf.variable(w, true, this.varName('last_layer.weight'));
      w.dispose();
    } else if (c.readout === 'sparse') {
      const ones = tf.ones([C, P / C]);
      this.readout = tf.variable(ones, true, this.varName('last_layer.weight'));
      ones.dispose();
    }
    this.push = { sampleIdxs: new Int32Array(P).fill(-1), fmapIdxs: new Int32Array(P * 4).fill(-1) };
  }

  /** The class of prototype `j` in class-specific mode (`P / C` consecutive prototypes per class). */
  prototypeClass(j: number): number {
    const { numPrototypes: P, numClasses: C } = this.config;
    return Math.floor(j / (P / C));
  }

  /** The prototypes of class `c` in class-specific mode. */
  classPrototypes(c: number): number[] {
    const per = this.config.numPrototypes / this.config.numClasses;
    return Array.from({ length: per }, (_, k) => c * per + k);
  }

  /** The add-on features `z` (N × Hz × Wz × D). */
  features(x: Tensor4D, training = false): Tensor4D {
    const f = this.backbone.forward(x, { training })[this.config.featureLayer] as Tensor4D;
    return this.addOn.forward(f, { training })['out'] as Tensor4D;
  }

  /** Distances of every latent cell to every prototype, `N × Hz × Wz × P` (spec §2.4, K = 1). */
  distances(z: Tensor4D): Tensor4D {
    const D = this.config.prototypeDim;
    return tf.tidy(() => {
      if (this.config.distance === 'l2') {
        const z2 = tf.sum(tf.square(z), -1, true);
        const zp = conv2d(z, tf.reshape(tf.transpose(this.prototypes), [1, 1, D, -1]) as Tensor4D);
        const p2 = tf.sum(tf.square(this.prototypes), 1);
        return tf.relu(tf.add(tf.sub(z2, tf.mul(zp, 2)), p2)) as Tensor4D;
      }
      // x / max(‖x‖, 1e-12) as torch's F.normalize, with a norm whose gradient stays finite at a zero vector
      // (a prototype the push found no patch for is zeroed, spec §4)
      const unit = (t: Tensor, axis: number) => tf.div(t, tf.sqrt(tf.maximum(tf.sum(tf.square(t), axis, true), 1e-24)));
      const cos = conv2d(unit(z, -1) as Tensor4D, tf.reshape(tf.transpose(unit(this.prototypes, 1)), [1, 1, D, -1]) as Tensor4D);
      return tf.sub(1, tf.clipByValue(cos, -1, 1)) as Tensor4D;
    });
  }

  /** The prototype activation of distances (spec §2.5). */
  similarity(d: Tensor): Tensor {
    if (this.config.activation === 'log') return tf.log(tf.add(tf.div(1, tf.add(d, this.config.epsilon)), 1));
    return this.config.distance === 'cosine' ? tf.sub(1, d) : tf.neg(d);
  }

  /** Logits from max similarities `N × P` (spec §2.7). */
  readoutLogits(s: Tensor2D): Tensor2D {
    const { readout, numClasses: C, numPrototypes: P } = this.config;
    if (readout === 'linear') return tf.matMul(s, this.readout as unknown as Tensor2D, false, true);
    const perClass = tf.reshape(s, [-1, C, P / C]);
    return tf.sum(readout === 'sparse' ? tf.mul(perClass, this.readout!) : perClass, 2) as Tensor2D;
  }

  /** The forward pass (spec §2.6). */
  forward(x: Tensor4D, options: { training?: boolean; returnFeatures?: boolean } = {}): ProtoNetOutput {
    return tf.tidy(() => {
      const f = this.backbone.forward(x, { training: options.training ?? false })[this.config.featureLayer] as Tensor4D;
      return this.headForward(f, options) as unknown as Record<string, Tensor>;
    }) as unknown as ProtoNetOutput;
  }

  /**
   * What follows the backbone, from its output at the cut `f`: the add-on layers, the distances, the readout (a
   * training step that runs the backbone by itself, in chunks with whole-batch batch norm, calls this per chunk).
   */
  headForward(f: Tensor4D, options: { training?: boolean; returnFeatures?: boolean } = {}): ProtoNetOutput {
    return tf.tidy(() => {
      const z = this.addOn.forward(f, { training: options.training ?? false })['out'] as Tensor4D;
      const distances = this.distances(z);
      const [n, h, w, p] = distances.shape;
      const flat = tf.reshape(distances, [n, h * w, p]);
      const minDistances = tf.min(flat, 1) as Tensor2D;
      const minDistIdxs = tf.argMin(flat, 1) as Tensor2D;
      const maxSimilarities = this.similarity(minDistances) as Tensor2D;
      const out: ProtoNetOutput = { logits: this.readoutLogits(maxSimilarities), minDistances, minDistIdxs, distances, maxSimilarities };
      if (options.returnFeatures) out.features = z;
      return out as unknown as Record<string, Tensor>;
    }) as unknown as ProtoNetOutput;
  }

  /** `z` and distances, for the push (spec §2.9). */
  pushForward(x: Tensor4D): { z: Tensor4D; distances: Tensor4D } {
    return tf.tidy(() => {
      const z = this.features(x, false);
      return { z, distances: this.distances(z) };
    });
  }

  /** Each sample's prototype boxes `[x1, y1, x2, y2]` from `minDistIdxs` (spec §2.10a): `N × P × 4`. */
  pixelSpaceBboxes(minDistIdxs: Tensor2D): Int32Array {
    const idx = minDistIdxs.dataSync();
    const out = new Int32Array(idx.length * 4);
    idx.forEach((cell, k) => {
      const [h0, h1, w0, w1] = this.rfBoxes[cell]!;
      out.set([w0, h0, w1, h1], k * 4);
    });
    return out;
  }

  /** Replaces the prototypes; push records are given together or not at all (spec §2.9). */
  setPrototypes(values: Tensor2D, records?: PushRecords): void {
    const [P, D] = [this.config.numPrototypes, this.config.prototypeDim];
    if (values.shape[0] !== P || values.shape[1] !== D) throw new Error(`setPrototypes: expected [${P}, ${D}], got [${values.shape}]`);
    this.prototypes.assign(values);
    if (records) {
      if (records.sampleIdxs.length !== P || records.fmapIdxs.length !== P * 4) throw new Error(`setPrototypes: push records must hold ${P} samples and ${P}×4 patch indices`);
      this.push = { sampleIdxs: Int32Array.from(records.sampleIdxs), fmapIdxs: Int32Array.from(records.fmapIdxs) };
    }
  }

  /** Removes prototypes (linear readout only, spec §2.9). */
  prunePrototypes(indices: number[]): void {
    if (this.config.readout !== 'linear') throw new Error(`prunePrototypes needs the linear readout, not '${this.config.readout}'.`);
    const drop = new Set(indices);
    const keep = Array.from({ length: this.config.numPrototypes }, (_, j) => j).filter((j) => !drop.has(j));
    const k = tf.tensor1d(keep, 'int32');
    tf.tidy(() => {
      const protos = tf.gather(this.prototypes, k);
      const readout = tf.gather(this.readout!, k, 1);
      const ident = tf.gather(this.classIdentity, k);
      this.prototypes.dispose();
      this.readout!.dispose();
      this.classIdentity.dispose();
      (this as { prototypes: Variable }).prototypes = tf.variable(protos, this.config.learnPrototypes, this.varName('prototype_vectors'));
      this.readout = tf.variable(readout, true, this.varName('last_layer.weight'));
      this.classIdentity = tf.keep(ident) as Tensor2D;
    });
    k.dispose();
    this.push = {
      sampleIdxs: Int32Array.from(keep.map((j) => this.push.sampleIdxs[j]!)),
      fmapIdxs: Int32Array.from(keep.flatMap((j) => Array.from(this.push.fmapIdxs.subarray(j * 4, j * 4 + 4)))),
    };
    (this.config as { numPrototypes: number }).numPrototypes = keep.length;
  }

  /** A readable, globally unique tfjs variable name (tfjs variable names are global; pruning makes new ones). */
  private varName(key: string): string {
    return `protonet#${this.instance}.${++this.generation}/${key}`;
  }

  /** Trainable variables by group (the optimizer groups of spec §3.3). */
  variableGroups(): { backbone: Variable[]; addOn: Variable[]; prototypes: Variable[]; readout: Variable[] } {
    return {
      backbone: this.backbone.trainableVariables(),
      addOn: this.addOn.trainableVariables(),
      prototypes: this.config.learnPrototypes ? [this.prototypes] : [],
      readout: this.readout ? [this.readout] : [],
    };
  }

  /** Every trainable variable. */
  trainableVariables(): Variable[] {
    const g = this.variableGroups();
    return [...g.backbone, ...g.addOn, ...g.prototypes, ...g.readout];
  }

  dispose(): void {
    this.backbone.dispose();
    this.addOn.dispose();
    this.prototypes.dispose();
    this.readout?.dispose();
    this.classIdentity.dispose();
  }
}
