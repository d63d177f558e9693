/**
 * The one TensorFlow.js instance every PixPNet package uses.
 *
 * Import `tf` from here rather than from `@tensorflow/tfjs-core` so that kernels, gradients and the
 * backend chosen by {@link initBackend} all live in the same engine.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Variable, Rank, TensorInfo } from '@tensorflow/tfjs';
