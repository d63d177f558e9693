/**
 * The training kernels PixPNet adds to a tfjs backend, in the style of the tfjs kernel registry:
 * one file per kernel, each exporting `kernelName` and a backend-independent `kernelFunc` written with tf ops.
 */
import { tf } from '../tf.js';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import * as conv2dBackpropFilter from './conv2d_backprop_filter.js';
import * as conv2dBackpropFilterWasm from './conv2d_backprop_filter_wasm.js';
import * as conv2dBackpropInput from './conv2d_backprop_input.js';
import * as depthwiseBackpropFilter from './depthwise_conv2d_backprop_filter.js';
import * as depthwiseBackpropInput from './depthwise_conv2d_backprop_input.js';
import * as unsortedSegmentSum from './unsorted_segment_sum.js';
import * as maxPoolGrad from './max_pool_grad.js';
import * as batchMatMulWasm from './batch_mat_mul_wasm.js';
import * as fusedBatchNormWasm from './fused_batch_norm_wasm.js';
import { OPS as BROADCAST_OPS, wrapFor as broadcastWrap } from './broadcast_compare.js';

/** One kernel of ours and the backends it is registered for. */
export interface TrainingKernel {
  kernelName: string;
  /** The kernel; or give {@link TrainingKernel.wrap}. */
  kernelFunc?: KernelFunc;
  /** A kernel made from the backend's own (which it calls for the cases it does not improve). */
  wrap?: (original: KernelFunc) => KernelFunc;
  /** Backends that get it: those that lack the kernel, or whose own kernel is much slower. */
  backends: readonly string[];
  /** Why it exists (for the docs and anyone reading the registry). */
  reason: string;
}

/** Every kernel this package registers. */
export const TRAINING_KERNELS: readonly TrainingKernel[] = [
  { ...conv2dBackpropFilterWasm, backends: ['wasm'], reason: 'missing on wasm: a native SIMD kernel over the heap, threaded (tf ops without it)' },
  { ...conv2dBackpropFilter, backends: ['cpu'], reason: 'the cpu kernel runs at about 0.01 GFLOP/s' },
  { ...conv2dBackpropInput, backends: ['wasm'], reason: 'the native wasm kernel is about 8x slower inside a training step' },
  { ...depthwiseBackpropFilter, backends: ['wasm'], reason: 'missing on wasm' },
  { ...depthwiseBackpropInput, backends: ['wasm'], reason: 'missing on wasm' },
  { ...unsortedSegmentSum, backends: ['wasm'], reason: 'missing on wasm (gradient of gather)' },
  { ...maxPoolGrad, backends: ['wasm'], reason: 'the native wasm kernel loses windows of negative values; this one is exact and faster' },
  { ...batchMatMulWasm, backends: ['wasm'], reason: 'the native wasm kernel is about 18x slower with transposeA/transposeB' },
  { ...fusedBatchNormWasm, backends: ['wasm'], reason: 'inference batch norm: one native pass, 3x faster than the wasm kernel' },
  ...Object.keys(BROADCAST_OPS).map((kernelName) => ({
    kernelName, wrap: broadcastWrap(kernelName), backends: ['wasm'],
    reason: 'the native wasm kernel is 10-20x slower when the shapes broadcast',
  })),
];

/** Our kernel functions by backend and name, to recognise them when registering again. */
const installed = new Map<string, KernelFunc>();
/** The backends' own kernels that ours wrap, by backend and name. */
const originals = new Map<string, KernelFunc>();

/**
 * Registers our kernels for `backendName` (replacing a kernel of the same name) and returns their names.
 * Idempotent: calling it twice registers each kernel once.
 */
export function registerTrainingKernels(backendName: string): string[] {
  const names: string[] = [];
  for (const k of TRAINING_KERNELS) {
    if (!k.backends.includes(backendName)) continue;
    names.push(k.kernelName);
    const key = `${backendName}/${k.kernelName}`;
    const existing = tf.getKernel(k.kernelName, backendName);
    if (existing && existing.kernelFunc === installed.get(key)) continue;
    if (existing && !originals.has(key)) originals.set(key, existing.kernelFunc);
    const original = originals.get(key);
    if (k.wrap && !original) throw new Error(`registerTrainingKernels: ${k.kernelName} wraps the ${backendName} backend's own kernel, which it lacks`);
    const kernelFunc = k.wrap ? k.wrap(original!) : k.kernelFunc!;
    // keep the backend's setup (it already ran) and disposal with the kernel that replaces it
    if (existing) tf.unregisterKernel(k.kernelName, backendName);
    tf.registerKernel({ ...existing, kernelName: k.kernelName, backendName, kernelFunc });
    installed.set(key, kernelFunc);
  }
  return names;
}
