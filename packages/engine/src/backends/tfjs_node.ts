/**
 * The native TensorFlow backends, from the optional peer dependencies `@tensorflow/tfjs-node-gpu` and
 * `@tensorflow/tfjs-node` (both register the tfjs backend `tensorflow`). Their install scripts download
 * libtensorflow, so they are never installed by PixPNet itself: users with the means install them.
 */
import { tf } from '../tf.js';
import { BackendUnavailableError } from './types.js';
import type { BackendName, BackendProvider } from './types.js';

async function importNative(name: BackendName, pkg: string): Promise<void> {
  try {
    await import(/* @vite-ignore */ pkg);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const missing = err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND';
    const reason = missing ? `${pkg} is not installed` : `${pkg} failed to load (${String(err.message).split('\n')[0]})`;
    throw new BackendUnavailableError(name, reason,
      `Install it with \`npm install ${pkg}@4.22.0\` (its install script downloads libtensorflow, and npm 11 needs ` +
      `\`npm install-scripts approve ${pkg}\`), or choose --backend wasm.`);
  }
}

function nativeProvider(name: BackendName, pkg: string): BackendProvider {
  return {
    name,
    tfName: 'tensorflow',
    async activate() {
      await importNative(name, pkg);
      if (!(await tf.setBackend('tensorflow'))) {
        throw new BackendUnavailableError(name, `${pkg} loaded but its backend did not initialise`, 'Choose --backend wasm.');
      }
      return { simd: null, threads: 0, kernels: [] };
    },
  };
}

/** `@tensorflow/tfjs-node-gpu`: TensorFlow with CUDA. */
export const tensorflowGpuProvider = nativeProvider('tensorflow-gpu', '@tensorflow/tfjs-node-gpu');

/** `@tensorflow/tfjs-node`: TensorFlow on the CPU. */
export const tensorflowProvider = nativeProvider('tensorflow', '@tensorflow/tfjs-node');
