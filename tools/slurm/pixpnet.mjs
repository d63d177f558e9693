// The built `pixpnet` CLI as the Slurm tests run it outside Slurm (shared by sweep.test.mjs and experiment.test.mjs).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(root, 'packages/cli/bin/pixpnet.js');

/** Environment of the pixpnet runs outside Slurm: no Slurm variables (they would select a shard), one thread like the tasks. */
export function cliEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLURM|SBATCH)_/.test(k)));
  return { ...env, PIXPNET_THREADS: '1' };
}

/** Runs `pixpnet ...args`; returns its stdout, or throws with its output when it fails. */
export function pixpnet(args, { cwd = root, timeout = 300_000 } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: cliEnv(), encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    throw new Error(`pixpnet ${args.join(' ')} failed (status ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}\n${r.stdout}`);
  }
  return r.stdout;
}
