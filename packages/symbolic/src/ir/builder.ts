/** A small builder for {@link Graph}s, so that zoo definitions read like torchvision's modules. */
import { INPUT } from './types.js';
import type { ActivationFn, Graph, Node, Op, Padding2d, Pair, Upsample2dOp } from './types.js';

/** A number for both axes, a `[h, w]` pair. */
export type Size = number | Pair;
/** Symmetric padding (`p` or `[ph, pw]`) or explicit `[[top, bottom], [left, right]]`. */
export type PaddingSpec = Size | Padding2d;

/** Normalises a size to a pair. */
export const pair = (v: Size): Pair => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** Normalises a padding spec to per-side padding. */
export function padding2d(p: PaddingSpec): Padding2d {
  if (typeof p === 'number') return [[p, p], [p, p]];
  if (Array.isArray(p[0])) return p as Padding2d;
  const [ph, pw] = p as Pair;
  return [[ph, ph], [pw, pw]];
}

/** Options of {@link GraphBuilder.conv}. */
export interface ConvOptions {
  stride?: Size;
  padding?: PaddingSpec;
  dilation?: Size;
  groups?: number;
  bias?: boolean;
}

/** Options of {@link GraphBuilder.maxPool} and {@link GraphBuilder.avgPool}. */
export interface PoolOptions {
  stride?: Size;
  padding?: PaddingSpec;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** Builds a graph node by node; every method returns the new node's id. */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly ids = new Set<string>([INPUT]);
  private readonly stages: Array<[string, string]> = [];
  private readonly stageNames = new Set<string>();
  /** The input size the graph is built for, when it depends on it (see {@link Graph.inputSize}). */
  inputSize?: Pair;

  constructor(
    readonly name: string,
    readonly inputChannels = 3,
  ) {}

  /** Adds any node. */
  add(id: string, op: Op, inputs: string[]): string {
    if (this.ids.has(id)) throw new Error(`${this.name}: duplicate node id '${id}'`);
    for (const i of inputs) if (!this.ids.has(i)) throw new Error(`${this.name}: node '${id}' reads unknown node '${i}'`);
    this.ids.add(id);
    this.nodes.push({ id, op, inputs });
    return id;
  }

  /** The nodes so far, in order (a live view: no copy). */
  get added(): readonly Node[] {
    return this.nodes;
  }

  conv(id: string, input: string, outChannels: number, kernel: Size, o: ConvOptions = {}): string {
    return this.add(id, {
      type: 'conv2d', outChannels, kernel: pair(kernel), stride: pair(o.stride ?? 1), padding: padding2d(o.padding ?? 0),
      dilation: pair(o.dilation ?? 1), groups: o.groups ?? 1, bias: o.bias ?? true,
    }, [input]);
  }

  /** A transposed convolution; `padding` is cut from the full output, `outputPadding` added at its end. */
  convTranspose(id: string, input: string, outChannels: number, kernel: Size,
    o: { stride?: Size; padding?: PaddingSpec; outputPadding?: Size; dilation?: Size; bias?: boolean } = {}): string {
    return this.add(id, {
      type: 'conv2dTranspose', outChannels, kernel: pair(kernel), stride: pair(o.stride ?? 1), padding: padding2d(o.padding ?? 0),
      outputPadding: pair(o.outputPadding ?? 0), dilation: pair(o.dilation ?? 1), bias: o.bias ?? true,
    }, [input]);
  }

  /** Upsampling by whole factors; bilinear uses half-pixel centres unless `halfPixelCenters` is false. */
  upsample(id: string, input: string, scale: Size, mode: Upsample2dOp['mode'] = 'nearest', halfPixelCenters = true): string {
    return this.add(id, { type: 'upsample2d', scale: pair(scale), mode, halfPixelCenters }, [input]);
  }

  crop(id: string, input: string, cropping: PaddingSpec): string {
    return this.add(id, { type: 'crop2d', cropping: padding2d(cropping) }, [input]);
  }

  /** `x · scale + offset` per unit; leave `scale`/`offset` out when the model keeps them in its weights. */
  rescale(id: string, input: string, role: string, scale?: number | number[], offset?: number | number[]): string {
    const op: Op = { type: 'rescale', role };
    if (scale !== undefined) op.scale = scale;
    if (offset !== undefined) op.offset = offset;
    return this.add(id, op, [input]);
  }

  bn(id: string, input: string, eps = 1e-5, momentum = 0.1): string {
    return this.add(id, { type: 'batchNorm2d', eps, momentum }, [input]);
  }

  layerNorm(id: string, input: string, eps = 1e-6): string {
    return this.add(id, { type: 'layerNorm2d', eps }, [input]);
  }

  act(id: string, input: string, fn: ActivationFn = 'relu'): string {
    return this.add(id, { type: 'activation', fn }, [input]);
  }

  maxPool(id: string, input: string, kernel: Size, o: PoolOptions = {}): string {
    return this.add(id, { type: 'maxPool2d', kernel: pair(kernel), stride: pair(o.stride ?? kernel), padding: padding2d(o.padding ?? 0),
      ceilMode: o.ceilMode ?? false }, [input]);
  }

  avgPool(id: string, input: string, kernel: Size, o: PoolOptions = {}): string {
    return this.add(id, { type: 'avgPool2d', kernel: pair(kernel), stride: pair(o.stride ?? kernel), padding: padding2d(o.padding ?? 0),
      ceilMode: o.ceilMode ?? false, countIncludePad: o.countIncludePad ?? true }, [input]);
  }

  zeroPad(id: string, input: string, padding: PaddingSpec): string {
    return this.add(id, { type: 'zeroPad2d', padding: padding2d(padding) }, [input]);
  }

  adaptiveAvgPool(id: string, input: string, output: number | [number | null, number | null]): string {
    return this.add(id, { type: 'adaptiveAvgPool2d', output: typeof output === 'number' ? [output, output] : output }, [input]);
  }

  sum(id: string, inputs: string[]): string {
    return this.add(id, { type: 'add' }, inputs);
  }

  mul(id: string, inputs: string[]): string {
    return this.add(id, { type: 'multiply' }, inputs);
  }

  cat(id: string, inputs: string[]): string {
    return this.add(id, { type: 'concat' }, inputs);
  }

  flatten(id: string, input: string): string {
    return this.add(id, { type: 'flatten' }, [input]);
  }

  linear(id: string, input: string, outFeatures: number, bias = true): string {
    return this.add(id, { type: 'linear', outFeatures, bias }, [input]);
  }

  scale(id: string, input: string): string {
    return this.add(id, { type: 'channelScale' }, [input]);
  }

  identity(id: string, input: string, role?: string, p?: number): string {
    const op: Op = { type: 'identity' };
    if (role) op.role = role;
    if (p !== undefined) op.p = p;
    return this.add(id, op, [input]);
  }

  /** Names the output of `nodeId` as a stage (a layer PixPNet can be cut at). */
  stage(name: string, nodeId: string): string {
    if (!this.ids.has(nodeId)) throw new Error(`${this.name}: stage '${name}' names unknown node '${nodeId}'`);
    if (this.stageNames.has(name)) throw new Error(`${this.name}: duplicate stage '${name}'`);
    this.stageNames.add(name);
    this.stages.push([name, nodeId]);
    return nodeId;
  }

  build(): Graph {
    const g: Graph = { name: this.name, inputChannels: this.inputChannels, nodes: [...this.nodes], stages: [...this.stages] };
    if (this.inputSize) g.inputSize = [this.inputSize[0], this.inputSize[1]];
    return g;
  }
}
