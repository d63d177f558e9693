/**
 * A tfjs backbone built from a `@pixpnet/symbolic` graph and cut after one or more named layers (spec §2.1).
 * Parameters are named by torchvision's state-dict keys; activations are NHWC.
 */
import { tf, tfSeed } from '@pixpnet/engine';
import type { Tensor, Tensor4D, Variable } from '@pixpnet/engine';
import { INPUT, inferShapes, stageNode, zooModel } from '@pixpnet/symbolic';
import type { Graph, Node } from '@pixpnet/symbolic';
import { parameterSpecs, toTfLayout } from './params.js';
import { checkStateDict } from './state_dict.js';
import type { StateDict } from './state_dict.js';
import type { ParamSpec } from './params.js';
import { EXECUTORS } from './ops/registry.js';
import type { NodeContext } from './ops/types.js';

/** Options of {@link Backbone}. */
export interface BackboneOptions {
  /** Cut after this layer (default: the last stage), or after several (multi-output mode). */
  cut?: string | string[];
  /** Seed of the initial weights (default 0). */
  seed?: number;
  /**
   * Weights to start from (torch layout, torchvision keys), validated as {@link loadStateDict} does; no random
   * initial weights are made (which halves the peak memory of large models).
   */
  weights?: StateDict;
  /** Named in errors about `weights`. */
  weightsSource?: string;
}

/** Options of {@link Backbone.forward}. */
export interface ForwardOptions {
  /** Batch statistics (and their running update), dropout. Default false. */
  training?: boolean;
}

let instances = 0;

/** A graph turned into tfjs computation, with its parameters. */
export class Backbone {
  readonly graph: Graph;
  /** The layers it is cut after, in network order. */
  readonly cuts: string[];
  /** Parameters of the kept nodes, in torchvision order. */
  readonly specs: ParamSpec[];
  /** Every parameter's spec in the full graph (keys of removed layers are accepted and ignored on import). */
  readonly fullSpecs: ParamSpec[];
  private readonly nodes: Node[];
  private readonly cutNodes: string[];
  private readonly vars = new Map<string, Variable>();
  private readonly seed: number;
  /** Training forwards so far: with the seed, what a dropout draws (the same run gives the same masks in any process). */
  private trainingForwards = 0;

  constructor(graph: Graph | string, options: BackboneOptions = {}) {
    this.graph = typeof graph === 'string' ? zooModel(graph) : graph;
    const wanted = options.cut === undefined ? [this.graph.stages[this.graph.stages.length - 1]![0]] : ([] as string[]).concat(options.cut);
    const order = new Map(this.graph.nodes.map((n, k) => [n.id, k]));
    const ids = wanted.map((name) => stageNode(this.graph, name));
    const pairs = wanted.map((name, k) => [name, ids[k]!] as const).sort((a, b) => order.get(a[1])! - order.get(b[1])!);
    this.cuts = pairs.map(([n]) => n);
    this.cutNodes = pairs.map(([, id]) => id);
    // keep the nodes the cuts depend on
    const needed = new Set<string>(this.cutNodes);
    for (let k = this.graph.nodes.length - 1; k >= 0; k--) {
      const n = this.graph.nodes[k]!;
      if (needed.has(n.id)) n.inputs.forEach((i) => needed.add(i));
    }
    this.nodes = this.graph.nodes.filter((n) => needed.has(n.id));
    this.fullSpecs = parameterSpecs(this.graph);
    this.specs = this.fullSpecs.filter((s) => needed.has(s.node));
    if (options.weights) checkStateDict(this.graph.name, this.fullSpecs, this.specs, options.weights, options.weightsSource ?? 'the weights');
    this.seed = options.seed ?? 0;
    let seed = this.seed;
    const instance = ++instances; // tfjs variable names are global: one prefix per backbone
    for (const s of this.specs) {
      const w = options.weights?.get(s.name);
      const value = w ? tf.tensor(toTfLayout(s, w.data), s.tfShape) : tf.tidy(() => initial(s, seed));
      seed++;
      this.vars.set(s.name, tf.variable(value, s.trainable, `${this.graph.name}#${instance}/${s.name}`));
      value.dispose();
    }
  }

  /** The nodes the cuts depend on, in network order (what {@link Backbone.forward} runs). */
  get keptNodes(): readonly Node[] {
    return this.nodes;
  }

  /** The node of each cut layer, in the order of {@link Backbone.cuts}. */
  get cutNodeIds(): readonly string[] {
    return this.cutNodes;
  }

  /** Channels of the output of a cut layer (the last by default): spec §2.1 "out_channels". */
  outChannels(cut: string = this.cuts[this.cuts.length - 1]!): number {
    const s = inferShapes(this.graph, 224, 224).get(stageNode(this.graph, cut))!;
    return s.kind === 'map' ? s.c : s.features;
  }

  /** A parameter or buffer by torchvision key. */
  variable(name: string): Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`${this.graph.name} (cut after ${this.cuts.join(', ')}) has no parameter '${name}'`);
    return v;
  }

  /** Every parameter and buffer, by torchvision key. */
  variables(): ReadonlyMap<string, Variable> {
    return this.vars;
  }

  /** The trainable parameters. */
  trainableVariables(): Variable[] {
    return this.specs.filter((s) => s.trainable).map((s) => this.vars.get(s.name)!);
  }

  /** Runs NHWC images `x` through the kept nodes; returns each cut layer's output by name. */
  forward(x: Tensor4D, options: ForwardOptions = {}): Record<string, Tensor> {
    const training = options.training ?? false;
    const values = new Map<string, Tensor>([[INPUT, x]]);
    const out: Record<string, Tensor> = {};
    const call = training ? this.nextTrainingCall() : 0;
    for (const [k, node] of this.nodes.entries()) values.set(node.id, this.runNode(k, node.inputs.map((i) => values.get(i)!), { training, call }));
    this.cuts.forEach((name, k) => (out[name] = values.get(this.cutNodes[k]!)!));
    return out;
  }

  /** Counts a training forward and returns its number (what seeds its dropout masks). */
  nextTrainingCall(): number {
    return this.trainingForwards++;
  }

  /**
   * Runs kept node `k` on `inputs`. `params` replaces the node's parameters by tensors (by suffix: `weight`, …), so
   * that a caller can take gradients with respect to them as inputs; `setBuffer` receives buffer updates (batch-norm
   * running statistics) instead of the variables.
   */
  runNode(k: number, inputs: Tensor[], o: { training: boolean; call: number; params?: ReadonlyMap<string, Tensor>; setBuffer?: (suffix: string, value: Tensor) => void }): Tensor {
    const node = this.nodes[k]!;
    const ctx: NodeContext = {
      id: node.id,
      training: o.training,
      randomSeed: this.seed * 1_000_003 + o.call * 7919 + k,
      param: (suffix) => o.params?.get(suffix) ?? this.variable(suffix ? `${node.id}.${suffix}` : node.id),
      setBuffer: o.setBuffer ?? ((suffix, value) => {
        const v = this.variable(`${node.id}.${suffix}`);
        v.assign(value as typeof v); // shares the value's data; the caller's scope disposes its own handle
      }),
    };
    const exec = EXECUTORS[node.op.type] as unknown as (op: typeof node.op, inputs: Tensor[], c: NodeContext) => Tensor;
    return exec(node.op, inputs, ctx);
  }

  /** Disposes every variable. */
  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/** torchvision-style initial values: Kaiming-normal (fan out) convs, N(0, 0.01) linears, BN 1/0, layer scale 1e-6. */
function initial(s: ParamSpec, seed: number): Tensor {
  switch (s.init) {
    case 'zeros':
      return tf.zeros(s.tfShape);
    case 'ones':
      return tf.ones(s.tfShape);
    case 'layerScale':
      return tf.fill(s.tfShape, 1e-6);
    case 'linear':
      return tf.randomNormal(s.tfShape, 0, 0.01, 'float32', tfSeed(seed));
    default: {
      const [kh, kw, , out] = s.tfShape as [number, number, number, number];
      return tf.randomNormal(s.tfShape, 0, Math.sqrt(2 / (out * kh * kw)), 'float32', tfSeed(seed));
    }
  }
}
