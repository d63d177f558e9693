/**
 * The architecture IR: one small, typed, JSON-serialisable graph description of a CNN. The receptive-field
 * analyzer (this package) and the tfjs model builder (`@pixpnet/models`) both read it, so a network is
 * described once. Layouts and semantics follow PyTorch/torchvision (padding per side, `ceil_mode`, groups).
 */

/** `[top, bottom]` and `[left, right]` zero padding in pixels. */
export type Padding2d = [[number, number], [number, number]];

/** A pair `[height, width]`. */
export type Pair = [number, number];

/** 2-D convolution (torch `nn.Conv2d`, zero padding). Weights `[out, in/groups, kh, kw]` in torch terms. */
export interface Conv2dOp {
  type: 'conv2d';
  outChannels: number;
  kernel: Pair;
  stride: Pair;
  padding: Padding2d;
  dilation: Pair;
  groups: number;
  bias: boolean;
}

/** Max or average pooling (torch `nn.MaxPool2d` / `nn.AvgPool2d`). */
export interface Pool2dOp {
  type: 'maxPool2d' | 'avgPool2d';
  kernel: Pair;
  stride: Pair;
  padding: Padding2d;
  ceilMode: boolean;
  /** avgPool2d only: count padded zeros in the average (torch default true). */
  countIncludePad?: boolean;
}

/** Zero padding (Keras `ZeroPadding2D`, torch `nn.ZeroPad2d`). */
export interface ZeroPad2dOp {
  type: 'zeroPad2d';
  padding: Padding2d;
}

/**
 * Transposed convolution (Keras `Conv2DTranspose`, torch `nn.ConvTranspose2d` with per-side padding): input
 * position `t` with kernel tap `q` writes output `t·stride − padding[before] + q·dilation`. The full output
 * `(in − 1)·stride + dilation·(kernel − 1) + 1` loses `padding` at each side and gains `outputPadding` at the end.
 */
export interface Conv2dTransposeOp {
  type: 'conv2dTranspose';
  outChannels: number;
  kernel: Pair;
  stride: Pair;
  padding: Padding2d;
  outputPadding: Pair;
  dilation: Pair;
  bias: boolean;
}

/**
 * Upsampling by whole factors (Keras `UpSampling2D`). `nearest` repeats each unit; `bilinear` interpolates
 * between the two nearest units, with TensorFlow's half-pixel centres (Keras) or without (TensorFlow.js).
 */
export interface Upsample2dOp {
  type: 'upsample2d';
  scale: Pair;
  mode: 'nearest' | 'bilinear';
  /** bilinear only: source position `(o + ½)/scale − ½` (Keras/TF 2) instead of `o/scale` (TensorFlow.js). */
  halfPixelCenters: boolean;
}

/** Crops `[top, bottom]`, `[left, right]` units off a map (Keras `Cropping2D`). */
export interface Crop2dOp {
  type: 'crop2d';
  cropping: Padding2d;
}

/**
 * A per-unit affine map `x · scale + offset` (Keras `Rescaling`, `Normalization`): every output unit reads its own
 * input unit only. `scale`/`offset` are absent when the model keeps them in its weights (an adapted Normalization).
 */
export interface RescaleOp {
  type: 'rescale';
  /** What it stands for: `rescaling` or `normalization`. */
  role: string;
  scale?: number | number[];
  offset?: number | number[];
}

/** Adaptive average pooling to a fixed output size (`null` keeps that axis). */
export interface AdaptiveAvgPool2dOp {
  type: 'adaptiveAvgPool2d';
  output: [number | null, number | null];
}

/** Batch normalisation over channels. */
export interface BatchNorm2dOp {
  type: 'batchNorm2d';
  eps: number;
  momentum: number;
}

/** Layer normalisation over channels at each position (ConvNeXt's `LayerNorm2d`). */
export interface LayerNorm2dOp {
  type: 'layerNorm2d';
  eps: number;
}

/** Pointwise activations. */
export type ActivationFn = 'relu' | 'relu6' | 'silu' | 'sigmoid' | 'gelu' | 'hardswish' | 'hardsigmoid' | 'tanh';

/** An elementwise activation. */
export interface ActivationOp {
  type: 'activation';
  fn: ActivationFn;
}

/** Softmax over channels at each position (a classifier's last layer in some imported models). */
export interface SoftmaxOp {
  type: 'softmax';
}

/** Elementwise sum of its inputs (residual connections). */
export interface AddOp {
  type: 'add';
}

/** Elementwise product of its inputs, broadcasting `[C,1,1]` over space (squeeze-and-excitation). */
export interface MultiplyOp {
  type: 'multiply';
}

/** Channel concatenation of its inputs, in order. */
export interface ConcatOp {
  type: 'concat';
}

/** `[C,H,W]` to a vector of `C·H·W` (torch flatten from dim 1). */
export interface FlattenOp {
  type: 'flatten';
}

/** Fully connected layer on a vector. */
export interface LinearOp {
  type: 'linear';
  outFeatures: number;
  bias: boolean;
}

/** Per-channel learned scale (ConvNeXt's layer scale `gamma · x`). */
export interface ScaleOp {
  type: 'channelScale';
}

/** Passes its input on unchanged (dropout, stochastic depth at inference, torch `Identity`). */
export interface IdentityOp {
  type: 'identity';
  /** What it stands for, e.g. `dropout`, `stochasticDepth`. */
  role?: string;
  /** Dropout / stochastic-depth probability, where it applies. */
  p?: number;
}

/** Every operation of the IR. */
export type Op =
  | Conv2dOp
  | Conv2dTransposeOp
  | Upsample2dOp
  | Crop2dOp
  | RescaleOp
  | Pool2dOp
  | ZeroPad2dOp
  | AdaptiveAvgPool2dOp
  | BatchNorm2dOp
  | LayerNorm2dOp
  | ActivationOp
  | SoftmaxOp
  | AddOp
  | MultiplyOp
  | ConcatOp
  | FlattenOp
  | LinearOp
  | ScaleOp
  | IdentityOp;

/** The operation type names. */
export type OpType = Op['type'];

/** One node: an operation applied to the outputs of earlier nodes (or `'input'`). */
export interface Node {
  /** Unique id; torchvision's module path where there is one (`layer1.0.conv1`), so weights map by name. */
  id: string;
  op: Op;
  /** Ids of the nodes this one reads, in order; `'input'` is the image. */
  inputs: string[];
}

/** A network: nodes in topological order, and the named stage outputs it can be cut at. */
export interface Graph {
  /** Model name, e.g. `vgg16`. */
  name: string;
  /** Channels of the input image. */
  inputChannels: number;
  nodes: Node[];
  /** Named stage outputs (the cut layers of spec §1.4), in network order: `[name, nodeId]`. */
  stages: Array<[string, string]>;
  /**
   * The input `[height, width]` the graph was built for, when it depends on it (an imported Keras model resolves
   * `same` padding for one size): the analysis defaults to it and refuses another.
   */
  inputSize?: Pair;
}

/** The id of the graph input. */
export const INPUT = 'input';
