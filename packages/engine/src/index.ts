/**
 * `@pixpnet/engine`: the TensorFlow.js engine under every PixPNet package.
 *
 * - {@link initBackend} picks the backend (`auto`: tfjs-node-gpu, tfjs-node, wasm, cpu), starts wasm with
 *   several threads in Node, and registers the kernels and gradients training needs.
 * - {@link tf} is the one tfjs instance to import.
 * - {@link conv2d} and {@link batchNormTraining} are the backbone ops that need more than tfjs gives.
 * - {@link log} writes `<ISO time>[<pid>][<LEVEL>] <message>` lines, honouring `PIXPNET_LOG_LEVEL`.
 *
 * @packageDocumentation
 */
export { tf } from './tf.js';
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Variable, Rank, TensorInfo } from './tf.js';
/** Peak memory: the resident set's high-water mark and the wasm heap's. */
export { peakMemory, formatPeakMemory, wasmHeapBytes } from './memory.js';
export type { PeakMemory } from './memory.js';
export { log, formatLine, getLogLevel, setLogLevel, setLogSink, parseLogLevel, isEnabled, LOG_LEVELS } from './log.js';
export type { LogLevel, LogSink } from './log.js';
/** Throttled progress lines for logs without a terminal, and durations as people read them. */
export { Heartbeat, formatDuration, progressInterval, setProgressInterval, DEFAULT_PROGRESS_SECONDS } from './heartbeat.js';
export { initBackend, engineInfo, describe, parseBackendChoice, BACKEND_CHOICES } from './init.js';
export type { InitBackendOptions, EngineInfo } from './init.js';
export { BackendUnavailableError } from './backends/types.js';
export type { BackendName, BackendChoice } from './backends/types.js';
export { BACKEND_PROVIDERS } from './backends/registry.js';
export { MAX_WASM_THREADS } from './backends/wasm.js';
export { TRAINING_KERNELS, registerTrainingKernels } from './kernels/registry.js';
export type { TrainingKernel } from './kernels/registry.js';
export { GRADIENTS, registerGradients } from './gradients/registry.js';
export { nativeKernels } from './native/module.js';
export type { NativeKernels, PixkernExports } from './native/module.js';
export { conv2d } from './ops/conv2d.js';
export type { Conv2dOptions, ExplicitPadding2d } from './ops/conv2d.js';
export { batchNormTraining, batchNormInference } from './ops/batch_norm.js';
export type { BatchNormTrainingResult } from './ops/batch_norm.js';
export { tfjsVersions, packageVersion, TFJS_PACKAGES } from './versions.js';
export { Rng, tfSeed } from './rng.js';
export { chunks, rows } from './batching.js';
export { quantiles, nanMean, roundHalfEven, atChance } from './stats.js';
export { writeAtomic, fsyncFile, removeStaleTemps, pidAlive, StagedFiles, withStagedFiles, DiskFullError, appendWhole, writeAllAtomic } from './atomic.js';
export type { WriteAtomicOptions, StagedFilesOptions } from './atomic.js';
export { lockFile, processStartTicks } from './lock.js';
export { readBoundedFile, readBoundedText, pathPresent } from './read_file.js';
export type { ReadBoundedOptions } from './read_file.js';
export type { FileLock, LockInfo, LockOptions } from './lock.js';
