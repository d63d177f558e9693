/** Op executors by IR op type. */
import type { OpType } from '@pixpnet/symbolic';
import type { Executor } from './types.js';
import { analysisOnly } from './analysis_only.js';
import { conv2dOp } from './conv2d.js';
import { maxPoolOp } from './max_pool.js';
import { avgPoolOp } from './avg_pool.js';
import { adaptiveAvgPoolOp } from './adaptive_avg_pool.js';
import { zeroPadOp } from './zero_pad.js';
import { batchNormOp } from './batch_norm.js';
import { layerNormOp } from './layer_norm.js';
import { activationOp } from './activation.js';
import { addOp, channelScaleOp, concatOp, flattenOp, identityOp, linearOp, multiplyOp, softmaxOp } from './simple.js';

/** Every executor, by the op type it runs. */
export const EXECUTORS: Record<OpType, Executor<never>> = {
  conv2d: conv2dOp, maxPool2d: maxPoolOp, avgPool2d: avgPoolOp, adaptiveAvgPool2d: adaptiveAvgPoolOp, zeroPad2d: zeroPadOp,
  batchNorm2d: batchNormOp, layerNorm2d: layerNormOp, activation: activationOp, softmax: softmaxOp, add: addOp, multiply: multiplyOp,
  concat: concatOp, flatten: flattenOp, linear: linearOp, channelScale: channelScaleOp, identity: identityOp,
  conv2dTranspose: analysisOnly('conv2dTranspose'), upsample2d: analysisOnly('upsample2d'), crop2d: analysisOnly('crop2d'),
  rescale: analysisOnly('rescale'),
};
