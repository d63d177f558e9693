// `npm run test:slurm` (vitest run --root tools/slurm): integration tests against a real one-node Slurm cluster.
// One file at a time: each starts its own cluster, and this machine has few cores.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.mjs'],
    globalSetup: ['./global-setup.mjs'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ['verbose'],
  },
});
