// The harness itself (no pixpnet involved): a real one-node Slurm cluster runs a two-task job array with both tasks
// at once, reports failing tasks, and leaves no process or folder behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesOf, slurmAvailable, startCluster } from './cluster.mjs';

const reason = await slurmAvailable();
if (reason) console.warn(`skipping the Slurm harness tests: ${reason}`);

describe.skipIf(reason)('one-node Slurm cluster', () => {
  /** @type {Awaited<ReturnType<typeof startCluster>>} */
  let cluster;
  let work;
  let startMs;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'pxslurm-test-'));
    const t0 = Date.now();
    cluster = await startCluster();
    startMs = Date.now() - t0;
  });

  afterAll(async () => {
    await cluster?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('starts with the node idle', () => {
    console.log(`cluster started in ${startMs} ms`); // (timed, never asserted: a busy machine is slower)
    expect(cluster.run('sinfo', ['-h', '-N', '-o', '%N %P %T']).stdout.trim()).toBe(`${cluster.host} debug* idle`);
    expect(Object.keys(cluster.pids).sort()).toEqual(['munged', 'slurmctld', 'slurmd']);
  });

  it('runs a two-task job array, both tasks at the same time', async () => {
    const script = path.join(work, 'array.sh');
    fs.writeFileSync(script, `#!/bin/sh
#SBATCH --job-name=harness-array
#SBATCH --array=0-1
#SBATCH --cpus-per-task=1
#SBATCH --output=${work}/array-%A_%a.out
set -e
out="${work}/task-$SLURM_ARRAY_TASK_ID.txt"
echo "$SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT $SLURM_ARRAY_TASK_MIN $SLURM_ARRAY_TASK_MAX" > "$out.tmp"
date +%s.%N > "${work}/start-$SLURM_ARRAY_TASK_ID"
# each task waits (up to 20 s) for the other to have started: passes only when both run at once
other=$((1 - SLURM_ARRAY_TASK_ID))
i=0; while [ ! -e "${work}/start-$other" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "${work}/start-$other" ] || { echo "task $other never started while task $SLURM_ARRAY_TASK_ID ran"; exit 7; }
mv "$out.tmp" "$out"
echo "task $SLURM_ARRAY_TASK_ID done"
`);
    const t0 = Date.now();
    const jobId = await cluster.sbatch(script);
    const result = await cluster.wait(jobId, 60_000);
    const ms = Date.now() - t0;
    console.log(`two-task array: submitted, ran and left the queue in ${ms} ms`);

    expect(result.ok).toBe(true);
    expect(result.tasks.map((t) => [t.taskId, t.state, t.exitCode])).toEqual([[0, 'COMPLETED', 0], [1, 'COMPLETED', 0]]);
    for (const id of [0, 1]) {
      expect(fs.readFileSync(path.join(work, `task-${id}.txt`), 'utf8')).toBe(`${id} 2 0 1\n`);
      expect(fs.readFileSync(result.tasks[id].stdout, 'utf8')).toContain(`task ${id} done`);
    }
    // the EpilogSlurmctld record of each task, the fallback when slurmctld has forgotten the job
    expect(fs.readdirSync(path.join(cluster.dir, 'done')).filter((f) => f.startsWith(`${jobId}_`)).sort())
      .toEqual([`${jobId}_0`, `${jobId}_1`]);
  });

  it('reports a failing task with its exit code and output', async () => {
    const script = path.join(work, 'fail.sh');
    fs.writeFileSync(script, `#!/bin/sh
#SBATCH --array=0-1
#SBATCH --output=${work}/fail-%a.out
if [ "$SLURM_ARRAY_TASK_ID" = 1 ]; then echo "task one breaks"; exit 3; fi
echo fine
`);
    const jobId = await cluster.sbatch(script);
    const result = await cluster.wait(jobId, 60_000, { allowFailure: true });
    expect(result.ok).toBe(false);
    expect(result.tasks.map((t) => [t.taskId, t.state, t.exitCode])).toEqual([[0, 'COMPLETED', 0], [1, 'FAILED', 3]]);

    const again = await cluster.sbatch(script);
    await expect(cluster.wait(again, 60_000)).rejects.toThrow(/1 of 2 task\(s\) failed[\s\S]*task 1: FAILED exit 3:0[\s\S]*task one breaks/);
  });

  it('times out with the task states, their reasons and the queue in the message', async () => {
    const script = path.join(work, 'impossible.sh');
    // more CPUs than the node has: sbatch accepts it, the job stays pending
    fs.writeFileSync(script, `#!/bin/sh\n#SBATCH --cpus-per-task=64\n#SBATCH --output=/dev/null\ntrue\n`);
    const jobId = await cluster.sbatch(script);
    await expect(cluster.wait(jobId, 1_500)).rejects
      .toThrow(/timed out after 1500 ms waiting for job \d+: task none PENDING \(\w+\)[\s\S]*--- squeue/);
    cluster.run('scancel', [jobId]);
  });

  it('stop() cancels running jobs, kills its daemons and job processes by PID, removes its folder', async () => {
    const sleeper = path.join(work, 'sleeper.sh');
    fs.writeFileSync(sleeper, `#!/bin/sh\n#SBATCH --output=/dev/null\nsleep 300\n`);
    const jobId = await cluster.sbatch(sleeper);
    const cmdline = (pid) => { try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; } };
    const jobRuns = () => cluster.leftovers().map(cmdline).some((c) => c.startsWith('sleep\0'));
    for (let i = 0; i < 200 && !jobRuns(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(jobRuns()).toBe(true); // the job's own process carries the cluster's marker variable
    expect(cluster.run('squeue', ['-h', '-j', jobId, '-o', '%T']).stdout.trim()).toBe('RUNNING');
    const pids = Object.values(cluster.pids);
    const dir = cluster.dir;
    const t0 = Date.now();
    await cluster.stop();
    console.log(`stop() took ${Date.now() - t0} ms`);
    expect(cluster.leftovers()).toEqual([]);
    expect(processesOf(dir)).toEqual([]);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(fs.existsSync(dir)).toBe(false);
  });
});
