/**
 * The native TensorFlow backends, from the optional peer dependencies `@tensorflow/tfjs-node-gpu` and
 * `@tensorflow/tfjs-node` (both register the tfjs backend `tensorflow`). Their install scripts download
 * libtensorflow, so they are never installed by PixPNet itself: users with the means install them.
 */
import { createRequire } from 'node:module';
import { tf } from '../tf.js';
import { BackendUnavailableError } from './types.js';
import type { BackendName, BackendProvider } from './types.js';

const require = createRequire(import.meta.url);

function isInstalled(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

async function importNative(name: BackendName, pkg: string): Promise<void> {
  let reason: string | undefined;
  if (!isInstalled(pkg)) reason = `${pkg} is not installed`;
  else {
    try {
      await import(/* @vite-ignore */ pkg);
    } catch (e) {
      reason = `${pkg} failed to load (${String((e as Error).message).split('\n')[0]})`;
    }
  }
  if (reason) {
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
