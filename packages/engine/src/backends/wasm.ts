/**
 * The WebAssembly backend: the working default (SIMD, XNNPACK). PixPNet adds the kernels it lacks for
 * training and, in Node, starts it with several threads (see `wasm/threads_node.ts`).
 */
import { tf } from '../tf.js';
import { log } from '../log.js';
import { registerTrainingKernels } from '../kernels/registry.js';
import { startNativeKernels } from '../native/module.js';
import { BackendUnavailableError } from './types.js';
import type { BackendProvider } from './types.js';

/** Threads the wasm build can start (its pthread pool is 8 workers). */
export const MAX_WASM_THREADS = 8;

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

interface PThreadApi {
  unusedWorkers: Array<{ unref?: () => void }>;
  runningWorkers: Array<{ unref?: () => void }>;
  allocateUnusedWorker: () => void;
}

/** Lets Node exit while the pthread workers idle (they would otherwise hold the event loop open). */
function unrefWorkers(): void {
  const pthread = (tf.backend() as unknown as { wasm?: { PThread?: PThreadApi } }).wasm?.PThread;
  if (!pthread) return;
  const unrefAll = () => [...pthread.unusedWorkers, ...pthread.runningWorkers].forEach((w) => w.unref?.());
  unrefAll();
  const allocate = pthread.allocateUnusedWorker.bind(pthread);
  pthread.allocateUnusedWorker = () => {
    allocate();
    unrefAll();
  };
}

export const wasmProvider: BackendProvider = {
  name: 'wasm',
  tfName: 'wasm',
  async activate({ threads }) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const wanted = Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(threads)));
    let restore: (() => void) | undefined;
    // (tf.findBackend would start the backend: look at the engine's registry instead)
    if (!('wasm' in tf.engine().registry)) {
      if (wanted > 1 && isNode && typeof SharedArrayBuffer !== 'undefined') {
        const { patchForWasmThreads } = await import('../wasm/threads_node.js');
        restore = patchForWasmThreads();
        wasm.setThreadsCount(wanted);
      } else if (isNode) {
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      }
    }
    let ok: boolean;
    try {
      ok = await tf.setBackend('wasm');
    } finally {
      restore?.();
    }
    if (!ok) throw new BackendUnavailableError('wasm', 'the WebAssembly module did not initialise', 'Choose --backend cpu.');
    if (restore) unrefWorkers();
    const actual = wasm.getThreadsCount();
    if (actual !== wanted) log.debug(`wasm: asked for ${wanted} threads, running ${actual} (threads are fixed when the backend first starts)`);
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const native = simd ? await startNativeKernels(actual) : undefined;
    if (native) log.debug(`wasm: native kernels on ${native.threads} thread${native.threads === 1 ? '' : 's'}`);
    return { simd, threads: actual, kernels: registerTrainingKernels('wasm') };
  },
};
