// A real one-node Slurm cluster on this machine, for integration tests (`npm run test:slurm`).
//
//   const reason = await slurmAvailable();          // null when usable (installs slurm-wlm + munge with apt as root)
//   const cluster = await startCluster();            // munged + slurmctld + slurmd in a fresh temp folder
//   const jobId = await cluster.sbatch('job.sh');    // sbatch --parsable
//   const { tasks } = await cluster.wait(jobId, 60_000); // until every array task left the queue; throws on failure
//   await cluster.stop();                            // scancel, kill our daemons by PID, remove the temp folder
//
// Nothing outside the temp folder is read or written: the daemons get `-f <slurm.conf>`, the client commands get
// `SLURM_CONF` through `cluster.env`, munged gets its own key, socket, pid, seed and log files, and slurm.conf
// points the munge plugins at that socket (`AuthInfo=socket=…`). Every process is started here and stopped by its
// PID; processes forked by our daemons (slurmstepd, job scripts) are found by a marker variable
// (`PIXPNET_SLURM_CLUSTER=<temp folder>`) in their environment, never by name.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const SERVER_BINARIES = ['munged', 'slurmctld', 'slurmd'];
const CLIENT_BINARIES = ['sbatch', 'squeue', 'sinfo', 'scontrol', 'scancel'];
const BINARIES = [...SERVER_BINARIES, ...CLIENT_BINARIES];
const MARKER = 'PIXPNET_SLURM_CLUSTER';
/** Job states after which a job (array task) will not run again. */
const FINAL_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL',
  'DEADLINE', 'OUT_OF_MEMORY']);
/** Unix socket paths (munge's, slurmd's step sockets in the spool folder) must fit in sockaddr_un.sun_path. */
const MAX_SOCKET_PATH = 100;

// ---------------------------------------------------------------------------------------------------------------
// Availability

/** Absolute path of an executable on PATH (plus the sbin folders, which a non-root PATH may lack), or null. */
export function which(name) {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch { /* not here */ }
  }
  return null;
}

function missingBinaries() {
  return BINARIES.filter((b) => !which(b));
}

/**
 * Whether a local Slurm cluster can be started here. Resolves to `null` when it can, or to a reason (a string to
 * print when skipping) when it cannot. When binaries are missing, we run as root and apt-get exists, it installs
 * Debian's `slurm-wlm` and `munge` (`apt-get update` only when the package is not known to apt yet); set
 * `PIXPNET_SLURM_NO_INSTALL=1` (or pass `{ install: false }`) to only check.
 */
export async function slurmAvailable({ install = !process.env.PIXPNET_SLURM_NO_INSTALL, log = () => {} } = {}) {
  if (process.platform !== 'linux') return `Slurm test cluster needs Linux (this is ${process.platform})`;
  let missing = missingBinaries();
  if (missing.length === 0) return null;
  const what = `Slurm/munge binaries not found: ${missing.join(', ')}`;
  if (!install) return `${what} (auto-install disabled)`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return `${what}; install them with \`apt-get install slurm-wlm munge\` (not root, so not installing)`;
  }
  const apt = which('apt-get');
  if (!apt) return `${what}; no apt-get here to install slurm-wlm and munge`;

  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    log(`$ apt-get ${args.join(' ')}`);
    // wait for a dpkg lock held by another apt run instead of failing at once
    return spawnSync(apt, ['-o', 'DPkg::Lock::Timeout=300', ...args], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  };
  const known = () => {
    const r = spawnSync('apt-cache', ['policy', 'slurm-wlm', 'munge'], { env, encoding: 'utf8' });
    return r.status === 0 && !/Candidate: \(none\)/.test(r.stdout) && (r.stdout.match(/Candidate:/g) ?? []).length === 2;
  };
  if (!known()) {
    const u = run(['update']);
    if (u.status !== 0) return `${what}; apt-get update failed: ${tail(u.stderr || u.stdout, 5)}`;
  }
  let r = run(['install', '-y', 'slurm-wlm', 'munge']);
  if (r.status !== 0) {
    // a stale package index (404 on a .deb): refresh once and retry
    const u = run(['update']);
    if (u.status === 0) r = run(['install', '-y', 'slurm-wlm', 'munge']);
  }
  if (r.status !== 0) return `${what}; apt-get install slurm-wlm munge failed: ${tail(r.stderr || r.stdout, 8)}`;
  missing = missingBinaries();
  if (missing.length) return `installed slurm-wlm and munge but still missing: ${missing.join(', ')}`;
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function tail(text, lines = 30) {
  return String(text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}

function readTail(file, lines = 30) {
  try {
    return tail(fs.readFileSync(file, 'utf8'), lines);
  } catch {
    return '(no file)';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie (exited, not reaped yet) counts as gone
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Environment for anything that talks to this cluster: no inherited Slurm job/option variables. */
function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(SLURM|SBATCH|SALLOC|SRUN|SQUEUE|SINFO|SCONTROL|SACCT|SCANCEL)_/.test(k)) continue;
    env[k] = v;
  }
  env.PATH = [env.PATH, '/usr/sbin', '/sbin'].filter(Boolean).join(path.delimiter);
  return { ...env, ...extra };
}

/**
 * PIDs of live processes (other than this one) whose environment carries `PIXPNET_SLURM_CLUSTER=<dir>`: our
 * daemons, the slurmstepd they forked, the job scripts (sbatch exports the submitting environment).
 */
export function processesOf(dir) {
  const needle = Buffer.from(`${MARKER}=${dir}\0`);
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let environ;
    try {
      environ = fs.readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue; // gone, or not ours to read
    }
    if (environ.includes(needle) && alive(pid)) pids.push(pid);
  }
  return pids;
}

function describe(pid) {
  try {
    return `${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`;
  } catch {
    return String(pid);
  }
}

/** Parses `scontrol -o show job` lines into objects (values with spaces, e.g. Command, are cut at the space). */
function parseRecords(text) {
  return text.split('\n').filter((l) => l.trim()).map((line) => {
    const rec = {};
    for (const m of line.matchAll(/(?:^|\s)([A-Za-z:/]+)=(\S*)/g)) if (!(m[1] in rec)) rec[m[1]] = m[2];
    return rec;
  });
}

/** "0-3,5,7-9:2%2" → [0,1,2,3,5,7,9] */
export function expandArray(spec) {
  const ids = [];
  for (const part of String(spec).replace(/%\d+$/, '').split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]), step = Number(m[3] ?? 1);
    for (let i = a; i <= b; i += step) ids.push(i);
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------------------------
// The cluster

/** `slurmd -C`: the node line for this machine (CPUs, sockets, cores, threads, RealMemory). */
function detectNode() {
  const r = spawnSync(which('slurmd'), ['-C'], { encoding: 'utf8', env: cleanEnv() });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('NodeName='));
  if (r.status !== 0 || !line) throw new Error(`slurmd -C failed (status ${r.status}): ${tail(r.stderr || r.stdout)}`);
  const fields = {};
  for (const m of line.matchAll(/(\w+)=(\S+)/g)) fields[m[1]] = m[2];
  return fields;
}

function slurmConf({ dir, host, node, ports, cpus }) {
  const p = (...x) => path.join(dir, ...x);
  const threads = Number(node.ThreadsPerCore ?? 1);
  const hw = ['CPUs', 'Boards', 'SocketsPerBoard', 'CoresPerSocket', 'ThreadsPerCore']
    .filter((k) => node[k] !== undefined && cpus === undefined).map((k) => `${k}=${node[k]}`);
  if (cpus !== undefined) hw.push(`CPUs=${cpus}`);
  return `# Written by tools/slurm/cluster.mjs for a throw-away one-node test cluster.
ClusterName=pixpnet
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${ports.ctld}
SlurmdPort=${ports.slurmd}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${p('munge', 'munge.socket')}
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobContainerType=job_container/none
SwitchType=switch/none
SelectType=select/cons_tres
# whole CPUs without memory tracking, so two 1-CPU tasks share the node (with hyper-threads, CR_Core would give
# each task a whole core)
SelectTypeParameters=${threads > 1 ? 'CR_CPU' : 'CR_Core'}
SchedulerType=sched/builtin
# schedule batch jobs as soon as they are submitted (the default waits up to 3 s)
SchedulerParameters=batch_sched_delay=0
SlurmdParameters=config_overrides
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
PlugStackConfig=${p('plugstack.conf')}
StateSaveLocation=${p('state')}
SlurmdSpoolDir=${p('spool')}
SlurmctldPidFile=${p('run', 'slurmctld.pid')}
SlurmdPidFile=${p('run', 'slurmd.pid')}
SlurmctldLogFile=${p('log', 'slurmctld.log')}
SlurmdLogFile=${p('log', 'slurmd.log')}
SlurmctldDebug=info
SlurmdDebug=info
EpilogSlurmctld=${p('epilog-slurmctld.sh')}
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MessageTimeout=10
InactiveLimit=0
KillWait=5
# keep finished jobs in scontrol for an hour, so exit codes can be read back without accounting
MinJobAge=3600
MaxJobCount=100000
NodeName=${host} NodeAddr=127.0.0.1 NodeHostname=${host} ${hw.join(' ')} RealMemory=${node.RealMemory ?? 1} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
`;
}

/** Runs in slurmctld when each job (array task) ends: one `done/<arrayJobId>_<taskId>` record per task. */
function epilogScript(doneDir) {
  return `#!/bin/sh
# EpilogSlurmctld of the test cluster (tools/slurm/cluster.mjs): records how each job / array task ended.
id="\${SLURM_ARRAY_JOB_ID:-$SLURM_JOB_ID}"
task="\${SLURM_ARRAY_TASK_ID:-none}"
f="${doneDir}/\${id}_\${task}"
{
  echo "JobId=$SLURM_JOB_ID"
  echo "ArrayJobId=$SLURM_ARRAY_JOB_ID"
  echo "ArrayTaskId=$SLURM_ARRAY_TASK_ID"
  echo "ExitCode=$SLURM_JOB_EXIT_CODE2"
  echo "DerivedExitCode=$SLURM_JOB_DERIVED_EC"
  echo "WaitStatus=$SLURM_JOB_EXIT_CODE"
} > "$f.tmp" && mv "$f.tmp" "$f"
exit 0
`;
}

/**
 * Starts munged, slurmctld and slurmd for this host in a fresh temporary folder and waits until the node is idle.
 *
 * Options: `dir` — the parent of the fresh folder (default: the OS temp folder; the folder path must stay short,
 * Unix socket paths live in it); `cpus` — advertise this many CPUs instead of `slurmd -C`'s; `keep` — leave the
 * folder after stop() (also `PIXPNET_SLURM_KEEP=1`); `log` — progress callback; `startTimeoutMs` (default 60 s).
 *
 * Resolves to `{ dir, conf, env, pids, sbatch(script, opts), wait(jobId, timeoutMs, opts), run(cmd, args),
 * logs(), leftovers(), stop() }`. Throws an Error with the daemons' log tails when the cluster does not come up
 * (after stopping whatever it started).
 */
export async function startCluster({
  dir: parent = os.tmpdir(), cpus, keep = !!process.env.PIXPNET_SLURM_KEEP, log = () => {}, startTimeoutMs = 60_000,
} = {}) {
  const reason = await slurmAvailable({ install: false });
  if (reason) throw new Error(reason);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('the test cluster runs slurmd as root (SlurmUser=root); run as root');
  }

  const dir = fs.mkdtempSync(path.join(parent, 'pxslurm-'));
  if (path.join(dir, 'spool', 'vm_4294967294.4294967294').length > MAX_SOCKET_PATH) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`temp folder path too long for Unix sockets: ${dir} (pass a shorter { dir })`);
  }
  const p = (...x) => path.join(dir, ...x);
  for (const sub of ['state', 'spool', 'run', 'log', 'done']) fs.mkdirSync(p(sub), { mode: 0o700 });
  fs.mkdirSync(p('munge'), { mode: 0o755 }); // munged wants its socket folder searchable by all

  const host = spawnSync('hostname', ['-s'], { encoding: 'utf8' }).stdout?.trim() || os.hostname().split('.')[0];
  const node = detectNode();
  const ports = { ctld: await freePort(), slurmd: await freePort() };
  const conf = p('slurm.conf');
  fs.writeFileSync(conf, slurmConf({ dir, host, node, ports, cpus }));
  fs.writeFileSync(p('plugstack.conf'), '# empty: no SPANK plugins\n');
  fs.writeFileSync(p('epilog-slurmctld.sh'), epilogScript(p('done')), { mode: 0o755 });
  fs.writeFileSync(p('munge', 'munge.key'), crypto.randomBytes(1024), { mode: 0o600 });

  const env = cleanEnv({ SLURM_CONF: conf, [MARKER]: dir });
  const daemons = []; // { name, pid, child, stderr }
  const jobs = new Map(); // jobId -> Set of array task ids seen
  let stopped = false;

  // the test process exits without stop(): kill what we started, synchronously (job processes first)
  const onExit = () => {
    const pids = [...processesOf(dir), ...daemons.map((d) => d.pid)];
    for (const pid of pids) if (alive(pid)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  };
  process.on('exit', onExit);

  const logFiles = {
    munged: p('log', 'munged.log'),
    slurmctld: p('log', 'slurmctld.log'),
    slurmd: p('log', 'slurmd.log'),
  };
  const logs = (lines = 25) => Object.entries(logFiles).map(([name, file]) => {
    const d = daemons.find((x) => x.name === name);
    const main = readTail(file, lines);
    // the daemons' stdout/stderr only matters when they died before opening their log file
    const err = d && (main === '(no file)' || !main) ? readTail(d.stderr, 15) : '';
    return `--- ${name} log (${file}):\n${main}` + (err ? `\n--- ${name} stdout/stderr:\n${err}` : '');
  }).join('\n');

  const launch = (name, args) => {
    const stderr = p('log', `${name}.out`);
    const fd = fs.openSync(stderr, 'a');
    const child = spawn(which(name), args, { env, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const d = { name, pid: child.pid, child, stderr, exited: null };
    child.on('exit', (code, signal) => { d.exited = { code, signal }; });
    child.on('error', (err) => { d.exited = { error: err }; });
    daemons.push(d);
    log(`started ${name} (pid ${child.pid})`);
    return d;
  };

  const run = (cmd, args = [], opts = {}) =>
    spawnSync(which(cmd) ?? cmd, args, { env, encoding: 'utf8', maxBuffer: 64 << 20, ...opts });

  const fail = async (what) => {
    const msg = `${what}\n${logs()}`;
    await stop();
    return new Error(msg);
  };

  const waitFor = async (what, check, timeoutMs = startTimeoutMs) => {
    const t0 = Date.now();
    for (;;) {
      const dead = daemons.find((d) => d.exited || !alive(d.pid));
      if (dead) throw await fail(`${dead.name} exited while waiting for ${what} (${JSON.stringify(dead.exited)})`);
      const r = check();
      if (r) return r;
      if (Date.now() - t0 > timeoutMs) throw await fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(200);
    }
  };

  // ---- stop: cancel jobs, kill daemons by PID, kill stray job processes carrying our marker, remove the folder
  async function stop() {
    if (stopped) return;
    stopped = true;
    const ctld = daemons.find((d) => d.name === 'slurmctld');
    if (ctld && alive(ctld.pid)) {
      const q = run('squeue', ['-h', '-o', '%A'], { timeout: 10_000 });
      const ids = [...new Set((q.stdout ?? '').split(/\s+/).filter(Boolean))];
      if (ids.length) {
        run('scancel', ids, { timeout: 10_000 });
        const t0 = Date.now();
        while (Date.now() - t0 < 15_000) {
          const r = run('squeue', ['-h', '-o', '%A'], { timeout: 10_000 });
          if (r.status !== 0 || !r.stdout.trim()) break;
          await sleep(250);
        }
      }
    }
    // slurmd first (it ends its steps), then slurmctld, then munged
    for (const name of ['slurmd', 'slurmctld', 'munged']) {
      for (const d of daemons.filter((x) => x.name === name)) {
        if (!alive(d.pid)) continue;
        try { process.kill(d.pid, 'SIGTERM'); } catch { /* gone */ }
        const t0 = Date.now();
        while (alive(d.pid) && Date.now() - t0 < 10_000) await sleep(100);
        if (alive(d.pid)) {
          log(`${name} (pid ${d.pid}) ignored SIGTERM; SIGKILL`);
          try { process.kill(d.pid, 'SIGKILL'); } catch { /* gone */ }
        }
      }
    }
    // our daemons are our children: a killed one is a zombie until Node reaps it (its 'exit' event, which a busy
    // machine can delay); wait for that, so that their PIDs are gone when stop() resolves
    for (let t0 = Date.now(); daemons.some((d) => !d.exited) && Date.now() - t0 < 10_000;) await sleep(50);
    for (let round = 0; round < 20; round++) {
      const stray = processesOf(dir);
      if (!stray.length) break;
      if (round === 0) log(`killing processes left by the cluster: ${stray.map(describe).join('; ')}`);
      for (const pid of stray) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      await sleep(100);
    }
    process.off('exit', onExit);
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }

  // ---- start
  try {
    launch('munged', ['--foreground', '--force', `--socket=${p('munge', 'munge.socket')}`,
      `--key-file=${p('munge', 'munge.key')}`, `--pid-file=${p('run', 'munged.pid')}`,
      `--log-file=${logFiles.munged}`, `--seed-file=${p('munge', 'munged.seed')}`]);
    await waitFor('the munge socket', () => fs.existsSync(p('munge', 'munge.socket')));

    launch('slurmctld', ['-D', '-c', '-f', conf]);
    await waitFor('slurmctld to answer', () => /\bUP\b/.test(run('scontrol', ['ping'], { timeout: 10_000 }).stdout ?? ''));

    launch('slurmd', ['-D', '-f', conf]);
    let state = '';
    await waitFor(`node ${host} to become idle`, () => {
      const r = run('sinfo', ['-h', '-N', '-o', '%N %T'], { timeout: 10_000 });
      state = (r.stdout ?? '').trim();
      if (/drain|down|fail/i.test(state)) {
        // a node that registered drained/down will not recover by itself: say why
        const why = run('scontrol', ['show', 'node', host]).stdout;
        throw new Error(`node ${host} is ${state}:\n${why}`);
      }
      return new RegExp(`^${host} idle$`, 'm').test(state);
    });
  } catch (err) {
    if (!stopped) throw await fail(err.message);
    throw err;
  }
  log(`cluster up in ${dir}`);

  // ---- jobs
  const remember = (jobId, records) => {
    let ids = jobs.get(jobId);
    if (!ids) jobs.set(jobId, (ids = new Set()));
    for (const r of records) {
      if (r.ArrayTaskId !== undefined) for (const i of expandArray(r.ArrayTaskId)) ids.add(i);
      else if (r.ArrayJobId === undefined) ids.add('none');
    }
    return ids;
  };
  const showJob = (jobId) => {
    const r = run('scontrol', ['-o', 'show', 'job', String(jobId)], { timeout: 15_000 });
    if (r.status !== 0) return { gone: /Invalid job id/i.test(r.stderr ?? ''), error: (r.stderr ?? '').trim(), records: [] };
    return { records: parseRecords(r.stdout) };
  };

  /**
   * `sbatch --parsable [args] script`, run in `cwd` (default: the script's folder; the job's working directory and
   * default `slurm-%A_%a.out` land there). Resolves to the job id (a string; for arrays the array job id).
   */
  async function sbatch(script, { args = [], cwd = path.dirname(path.resolve(script)), env: extraEnv = {} } = {}) {
    if (stopped) throw new Error('cluster is stopped');
    const r = spawnSync(which('sbatch'), ['--parsable', ...args, path.resolve(script)],
      { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 30_000 });
    const jobId = (r.stdout ?? '').trim().split(';')[0];
    if (r.status !== 0 || !/^\d+$/.test(jobId)) {
      throw new Error(`sbatch ${script} failed (status ${r.status}): ${(r.stderr || r.stdout).trim()}\n${logs(10)}`);
    }
    remember(jobId, showJob(jobId).records);
    log(`submitted job ${jobId}`);
    return jobId;
  }

  /**
   * Polls `scontrol show job` until every task of the job (each array task) reached a final state, then resolves
   * to `{ jobId, ok, tasks: [{ taskId, jobId, state, exitCode, signal, reason, stdout, stderr }] }`. The
   * EpilogSlurmctld records in `<dir>/done` stand in for tasks whose records slurmctld already dropped. Throws when
   * the timeout passes (with the queue, the node and the daemons' logs), when a daemon dies, and — unless
   * `{ allowFailure: true }` — when a task did not complete with exit code 0 (with the tail of its output).
   */
  async function wait(jobId, timeoutMs = 120_000, { allowFailure = false, pollMs = 500 } = {}) {
    jobId = String(jobId);
    const t0 = Date.now();
    for (;;) {
      const dead = daemons.find((d) => d.exited || !alive(d.pid));
      if (dead) throw new Error(`${dead.name} died while waiting for job ${jobId}\n${logs()}`);
      const shown = showJob(jobId);
      if (!shown.gone && shown.error) throw new Error(`scontrol show job ${jobId}: ${shown.error}\n${logs(10)}`);
      const ids = remember(jobId, shown.records);
      const done = readDone(jobId);
      const tasks = [...ids].sort((a, b) => (a === 'none' ? -1 : b === 'none' ? 1 : a - b)).map((taskId) => {
        const rec = shown.records.find((r) => (taskId === 'none' ? r.ArrayJobId === undefined : r.ArrayTaskId === String(taskId)));
        const epi = done.get(String(taskId));
        const [exit, sig] = (rec?.ExitCode ?? epi?.ExitCode ?? '').split(':');
        return {
          taskId, jobId: rec?.JobId ?? epi?.JobId,
          state: rec?.JobState ?? (epi ? (exit === '0' && sig === '0' ? 'COMPLETED' : 'FAILED') : 'UNKNOWN'),
          exitCode: exit === undefined || exit === '' ? null : Number(exit),
          signal: sig === undefined ? null : Number(sig),
          reason: rec?.Reason, stdout: rec?.StdOut, stderr: rec?.StdErr,
        };
      });
      // a pending meta record ("0-1") means tasks are still to come: it has no single ArrayTaskId match
      const pendingMeta = shown.records.some((r) => r.ArrayTaskId !== undefined && !/^\d+$/.test(r.ArrayTaskId));
      if (tasks.length && !pendingMeta && tasks.every((t) => FINAL_STATES.has(t.state) || (shown.gone && t.state !== 'UNKNOWN'))) {
        const ok = tasks.every((t) => t.state === 'COMPLETED' && t.exitCode === 0);
        if (!ok && !allowFailure) {
          const bad = tasks.filter((t) => !(t.state === 'COMPLETED' && t.exitCode === 0));
          const launch = bad.some((t) => t.reason === 'JobLaunchFailure' || (t.stdout && !fs.existsSync(t.stdout)));
          throw new Error(`job ${jobId}: ${bad.length} of ${tasks.length} task(s) failed\n` + bad.map((t) =>
            `task ${t.taskId}: ${t.state} exit ${t.exitCode}:${t.signal}${t.reason && t.reason !== 'None' ? ` (${t.reason})` : ''}` +
            `\n--- ${t.stdout}:\n${readTail(t.stdout, 40)}` +
            (t.stderr && t.stderr !== t.stdout ? `\n--- ${t.stderr}:\n${readTail(t.stderr, 40)}` : '')).join('\n') +
            // the script never ran (e.g. the folder of --output does not exist): slurmd's log says why
            (launch ? `\nthe job did not launch; slurmd's log:\n${readTail(logFiles.slurmd, 15)}` : ''));
        }
        return { jobId, ok, tasks };
      }
      if (shown.gone && tasks.every((t) => t.state === 'UNKNOWN')) {
        throw new Error(`job ${jobId} is not known to slurmctld and left no epilog record\n${logs(10)}`);
      }
      if (Date.now() - t0 > timeoutMs) {
        const queue = run('squeue', ['-a', '-r', '-o', '%.18i %.9P %.12j %.10T %.10M %R']).stdout;
        const nodes = run('sinfo', ['-N', '-l']).stdout;
        throw new Error(`timed out after ${timeoutMs} ms waiting for job ${jobId}: ` +
          tasks.map((t) => `task ${t.taskId} ${t.state}${t.reason && t.reason !== 'None' ? ` (${t.reason})` : ''}`).join(', ') +
          `\n--- squeue:\n${queue}\n--- sinfo:\n${nodes}\n${logs(15)}`);
      }
      await sleep(pollMs);
    }
  }

  function readDone(jobId) {
    const out = new Map();
    for (const f of fs.readdirSync(p('done'))) {
      const m = /^(\d+)_(\w+)$/.exec(f);
      if (!m || m[1] !== jobId) continue;
      const rec = {};
      for (const line of fs.readFileSync(p('done', f), 'utf8').split('\n')) {
        const i = line.indexOf('=');
        if (i > 0) rec[line.slice(0, i)] = line.slice(i + 1);
      }
      out.set(m[2], rec);
    }
    return out;
  }

  return {
    dir, conf, env, host,
    /** PIDs of the daemons we started (name → pid). */
    pids: Object.fromEntries(daemons.map((d) => [d.name, d.pid])),
    sbatch, wait, run, logs, stop,
    /** Processes still alive that this cluster started (daemons, slurmstepd, job scripts). */
    leftovers: () => [...new Set([...daemons.filter((d) => alive(d.pid)).map((d) => d.pid), ...processesOf(dir)])],
  };
}
