// `pixpnet sweep` on a real Slurm cluster (issue 14, "Running on a cluster"): the sbatch script that
// `pixpnet sweep --emit-sbatch --array-size 2` prints is submitted to the one-node cluster of cluster.mjs, both
// array tasks run a shard, `pixpnet sweep merge` joins the shard CSVs, and the result equals the same sweep run in
// one process (every column but `Train Seconds`).
//
// It skips, saying why, when Slurm cannot be installed here or when the built CLI has no `sweep` command yet
// (build it with `npx nx run @pixpnet/cli:build`; `npm run test:slurm` builds it first).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slurmAvailable, startCluster } from './cluster.mjs';
import { CLI, cliEnv, pixpnet, root } from './pixpnet.mjs';


/** Why the sweep test cannot run here (null when it can). */
async function skipReason() {
  const slurm = await slurmAvailable();
  if (slurm) return slurm;
  if (!fs.existsSync(path.join(root, 'packages/cli/dist/index.js'))) return 'packages/cli is not built (npx nx run @pixpnet/cli:build)';
  const help = spawnSync(process.execPath, [CLI, 'sweep', 'run', '--help'], { env: cliEnv(), encoding: 'utf8', timeout: 60_000 });
  const merge = spawnSync(process.execPath, [CLI, 'sweep', 'merge', '--help'], { env: cliEnv(), encoding: 'utf8', timeout: 60_000 });
  if (!/--emit-sbatch/.test(help.stdout ?? '') || !/merge/.test(merge.stdout ?? '')) {
    return 'the built CLI has no `pixpnet sweep` with --emit-sbatch and `sweep merge` yet (rebuild packages/cli)';
  }
  return null;
}

/** RFC 4180 CSV → array of records (header row as keys). */
function readCsv(file) {
  const text = fs.readFileSync(file, 'utf8');
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  const [header, ...body] = rows.filter((r) => r.length > 1 || r[0] !== '');
  return { header, records: body.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k]]))) };
}

/** Columns that legitimately differ between two runs of the same sweep. */
const TIMING_COLUMNS = ['Train Seconds'];
const comparable = ({ header, records }) => ({
  header,
  records: records.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !TIMING_COLUMNS.includes(k)))),
});

const reason = await skipReason();
if (reason) console.warn(`skipping the Slurm sweep test: ${reason}`);

describe.skipIf(reason)('pixpnet sweep as a Slurm job array', () => {
  /** @type {Awaited<ReturnType<typeof startCluster>>} */
  let cluster;
  let work;
  let sweep; // the sweep's arguments, shared by the Slurm run and the single-process run

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'pxsweep-'));
    // a tiny synthetic dataset, written once before anything runs (the shards would otherwise race to generate it)
    pixpnet(['data', 'synth', '--out', path.join(work, 'data', 'synthparts'), '--classes', '3', '--per-class', '12', '--size', '32',
      '--seed', '2', '--distractors', 'plain']);
    // three rows over two shards: shard 0 gets rows 0 and 2, shard 1 row 1 (merge must restore the order)
    sweep = ['--models', 'vgg_nano_bn', '--stages', 'maxpool1,maxpool2,classifier', '--dataset', 'SYNTHPARTS',
      '--dataset-root', path.join(work, 'data'), '--input-size', '32', '--epochs', '1', '--batch-size', '8', '--lr', '0.001',
      '--no-pretrained', '--seed', '0', '--debug'];
    cluster = await startCluster();
  });

  afterAll(async () => {
    await cluster?.stop();
    if (work && !process.env.PIXPNET_SLURM_KEEP) fs.rmSync(work, { recursive: true, force: true });
  });

  it('the emitted sbatch script runs two shards whose merge equals a single-process run', async () => {
    const slurmDir = path.join(work, 'slurm');
    const t0 = Date.now();

    // (a) the script
    const script = pixpnet(['sweep', ...sweep, '--out', path.join(slurmDir, 'sweep.csv'), '--emit-sbatch', '--array-size', '2',
      '--partition', 'debug', '--cpus-per-task', '1', '--time', '00:10:00'], { cwd: work });
    expect(script).toMatch(/^#!\/bin\/(ba)?sh/);
    expect(script).toMatch(/^#SBATCH --array=0-1$/m);
    expect(script).toMatch(/^#SBATCH --partition=debug$/m);
    expect(script).toMatch(/^#SBATCH --cpus-per-task=1$/m);
    expect(script).toMatch(/^#SBATCH --time=00:10:00$/m);
    const scriptFile = path.join(work, 'sweep.sbatch');
    fs.writeFileSync(scriptFile, script);

    // (b) submitted as is; both tasks must end with exit code 0 (wait throws with their output otherwise).
    // Slurm opens the script's --output file before the script runs: its folder must exist already (or the
    // tasks fail with JobLaunchFailure), so --emit-sbatch has to create it.
    const jobId = await cluster.sbatch(scriptFile, { cwd: work });
    const result = await cluster.wait(jobId, 600_000);
    const tSlurm = Date.now();
    expect(result.tasks.map((t) => [t.taskId, t.state, t.exitCode])).toEqual([[0, 'COMPLETED', 0], [1, 'COMPLETED', 0]]);
    const shards = [0, 1].map((i) => path.join(slurmDir, `shard-${i}.csv`));
    for (const f of shards) expect(fs.existsSync(f), `${f} (task output: ${result.tasks.map((t) => t.stdout).join(', ')})`).toBe(true);
    expect(shards.map((f) => readCsv(f).records.length)).toEqual([2, 1]);

    // (c) merge
    const merged = path.join(slurmDir, 'sweep.csv');
    pixpnet(['sweep', 'merge', merged, ...shards], { cwd: work });

    // (d) the same sweep in one process
    const single = path.join(work, 'single', 'sweep.csv');
    pixpnet(['sweep', ...sweep, '--out', single], { cwd: work });
    const tSingle = Date.now();

    // (e) equal but for the timing columns
    const a = readCsv(merged), b = readCsv(single);
    expect(a.records.map((r) => `${r.Model}/${r['Stage Name']}`)).toEqual(['vgg_nano_bn/maxpool1', 'vgg_nano_bn/maxpool2', 'vgg_nano_bn/classifier']);
    expect(a.records.every((r) => !r.Note), `rows not run: ${a.records.map((r) => r.Note).join('; ')}`).toBe(true);
    expect(comparable(a)).toEqual(comparable(b));
    console.log(`sweep on Slurm (2 shards) ${((tSlurm - t0) / 1000).toFixed(1)} s, merge + single-process run ${((tSingle - tSlurm) / 1000).toFixed(1)} s`);
  });
});
