// `pixpnet experiment` on a real Slurm cluster: the sbatch script that `pixpnet experiment --emit-sbatch --array-size 2`
// prints is submitted to the one-node cluster of cluster.mjs; both array tasks run their rows of 2 configs × 2 seeds
// into one output folder, and the tables hold every row with the same figures as the same experiment run in one
// process (training is deterministic for a seed and a thread count).
//
// It skips, saying why, when Slurm cannot be installed here or when the built CLI has no `experiment` command.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slurmAvailable, startCluster } from './cluster.mjs';
import { CLI, cliEnv, pixpnet, root } from './pixpnet.mjs';

const DUMMY = path.join(root, 'configs/protonets/proto-synthparts-dummy.yaml');

async function skipReason() {
  const slurm = await slurmAvailable();
  if (slurm) return slurm;
  const help = spawnSync(process.execPath, [CLI, 'experiment', '--help'], { env: cliEnv(), encoding: 'utf8', timeout: 60_000 });
  if (!/--emit-sbatch/.test(help.stdout ?? '')) return 'the built CLI has no `pixpnet experiment` with --emit-sbatch (rebuild packages/cli)';
  return null;
}

/** The rows of a CSV written by pixpnet (no quoted commas in these columns). */
function rows(file) {
  const [head, ...body] = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));
  return body.map((r) => Object.fromEntries(head.map((h, k) => [h, r[k]])));
}

const reason = await skipReason();
if (reason) console.warn(`skipping the Slurm experiment test: ${reason}`);

describe.skipIf(reason)('pixpnet experiment as a Slurm job array', () => {
  /** @type {Awaited<ReturnType<typeof startCluster>>} */
  let cluster;
  let work;
  let file;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'pxexperiment-'));
    pixpnet(['data', 'synth', '--out', path.join(work, 'data', 'synthparts'), '--classes', '10', '--per-class', '10']);
    file = path.join(work, 'tiny.yaml');
    fs.writeFileSync(file, `name: tiny
seeds: [1, 2]
options: {dataset.root: ${path.join(work, 'data')}, train.epochs: 1, debug: true}
evaluate: {rot.steps: 3, rot.num-samples: 4}
configs:
  pixpnet: {config: ${DUMMY}, mapping: bbox}
  protopnet: {config: ${DUMMY}, mapping: upsample, options: {model.feature-layer: maxpool4}}
`);
    cluster = await startCluster();
  });

  afterAll(async () => {
    await cluster?.stop();
    if (work && !process.env.PIXPNET_SLURM_KEEP) fs.rmSync(work, { recursive: true, force: true });
  });

  it('two array tasks share one output folder; the tables equal a single-process run', async () => {
    const out = path.join(work, 'slurm');
    const script = pixpnet(['experiment', '-c', file, '--out', out, '--emit-sbatch', '--array-size', '2', '--partition', 'debug', '--cpus-per-task', '1'], { cwd: work });
    expect(script).toMatch(/^#SBATCH --job-name=pixpnet-experiment$/m);
    expect(script).toMatch(/^#SBATCH --array=0-1$/m);
    expect(script).toMatch(/ experiment -c .*tiny\.yaml --out .*slurm$/m);
    const scriptFile = path.join(work, 'experiment.sbatch');
    fs.writeFileSync(scriptFile, script);
    const jobId = await cluster.sbatch(scriptFile, { cwd: work });
    const result = await cluster.wait(jobId, 900_000);
    expect(result.tasks.map((t) => [t.taskId, t.state, t.exitCode])).toEqual([[0, 'COMPLETED', 0], [1, 'COMPLETED', 0]]);

    const single = path.join(work, 'single');
    pixpnet(['experiment', '-c', file, '--out', single], { cwd: work, timeout: 600_000 });
    const a = rows(path.join(out, 'runs.csv')), b = rows(path.join(single, 'runs.csv'));
    expect(a.map((r) => `${r.config}/${r.seed}`)).toEqual(['pixpnet/1', 'pixpnet/2', 'protopnet/1', 'protopnet/2']);
    const strip = (xs) => xs.map(({ run_dir: _d, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
    expect(rows(path.join(out, 'summary.csv')).map((r) => [r.config, r.seeds])).toEqual([['pixpnet', '2'], ['protopnet', '2']]);
  });
});
