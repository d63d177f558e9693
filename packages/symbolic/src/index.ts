/**
 * `@pixpnet/symbolic`: one architecture IR for CNNs, the backbone zoo, and exact receptive fields.
 *
 * ```ts
 * import { zooModel, computeReceptiveFields } from '@pixpnet/symbolic';
 * const report = computeReceptiveFields(zooModel('vgg16'), { height: 224, layers: ['maxpool4'] });
 * report.layers.maxpool4.rows[0]; // [0, 58]: latent row 0 sees pixel rows 0..57
 * ```
 *
 * No runtime dependencies and no Node built-ins: it runs in browsers too.
 * @packageDocumentation
 */
export type {
  Graph, Node, Op, OpType, Conv2dOp, Pool2dOp, AdaptiveAvgPool2dOp, BatchNorm2dOp, LayerNorm2dOp, ActivationOp, ActivationFn,
  AddOp, MultiplyOp, ConcatOp, FlattenOp, LinearOp, ScaleOp, IdentityOp, SoftmaxOp, ZeroPad2dOp, Padding2d, Pair,
  Conv2dTransposeOp, Upsample2dOp, Crop2dOp, RescaleOp,
} from './ir/types.js';
export { INPUT } from './ir/types.js';
export { GraphBuilder, pair, padding2d } from './ir/builder.js';
export type { ConvOptions, PoolOptions, Size, PaddingSpec } from './ir/builder.js';
export { inferShapes, nodeShape, convOutLength, convTransposeOutLength, poolOutLength } from './ir/shapes.js';
export { MAX_SIDE } from './ir/limits.js';
export type { Shape } from './ir/shapes.js';
export { computeReceptiveFields, stageNode, unitField, channelUnitField } from './rf/analyze.js';
export type { RfReport, RfOptions, LayerFields, ExactFields, ExactBlock, Span } from './rf/analyze.js';
export { ZOO, zooNames, zooModel } from './zoo/index.js';
export { zooPatchPcts } from './zoo/patch.js';
export { importKerasTopology, kerasInputShape, SUPPORTED_KERAS_LAYERS } from './import/keras.js';
export type { KerasImportOptions } from './import/keras.js';
export type { InputShape } from './import/keras/input_shape.js';
export type { ZooConstructor, ZooOptions } from './zoo/types.js';
