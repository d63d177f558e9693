/** The plain-JavaScript cpu backend: always there, slow; the fallback of last resort. */
import { tf } from '../tf.js';
import { registerTrainingKernels } from '../kernels/registry.js';
import { BackendUnavailableError } from './types.js';
import type { BackendProvider } from './types.js';

export const cpuProvider: BackendProvider = {
  name: 'cpu',
  tfName: 'cpu',
  async activate() {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new BackendUnavailableError('cpu', 'the cpu backend did not initialise', '');
    return { simd: false, threads: 1, kernels: registerTrainingKernels('cpu') };
  },
};
