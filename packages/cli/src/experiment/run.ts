/**
 * Running an experiment's rows: each (config, seed) is trained by `pixpnet train` and scored by `pixpnet evaluate`
 * (child processes: a run gets the whole wasm heap, and every check and lock of those commands applies), then its
 * figures are written as `rows/<config>__seed-<s>.json`. A row whose file exists is done; a row whose run was
 * killed is resumed (`train --resume`), and a finished run that was not evaluated yet is evaluated. After each row
 * `runs.csv`, `summary.csv` and the figure are written again from every row file, so that shards of a Slurm array
 * (or a second process) share one output folder.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDuration, lockFile, log, progressInterval, readBoundedText, writeAllAtomic, writeAtomic } from '@pixpnet/engine';
import { checkFileData } from '@pixpnet/engine/validate';
import type { JsonSchema } from '@pixpnet/engine/validate';
import {
  EXPERIMENT_MAPPINGS, EXPERIMENT_ROT_METHODS, readInterpretabilityFile, renderExperimentPlot, runsCsv, summarizeExperiment, summaryCsv,
} from '@pixpnet/eval';
import type { ExperimentRun, ExperimentSummary, InterpretabilityRecord } from '@pixpnet/eval';
import { LOCK_FILE, latestCheckpoint, readScores, runPaths, shardRows } from '@pixpnet/train';
import type { Shard } from '@pixpnet/train';
import { writeSynthDataset } from '@pixpnet/data';
import type { SynthOptions } from '@pixpnet/data';
import { optionArgs } from './plan.js';
import type { ExperimentConfig, ExperimentPlan } from './plan.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/pixpnet.js');

/** Where a row's files are. */
export function rowPaths(out: string, config: string, seed: number) {
  const id = `${config}__seed-${seed}`;
  return { logDir: path.join(out, 'runs', config, `seed-${seed}`), file: path.join(out, 'rows', `${id}.json`), lock: path.join(out, 'rows', `.${id}.lock`) };
}

/** The run directories under a row's log folder. */
function runDirsUnder(logDir: string): string[] {
  if (!fs.existsSync(logDir)) return [];
  const found: string[] = [];
  for (const ds of fs.readdirSync(logDir)) {
    const base = path.join(logDir, ds, 'protonet');
    if (fs.existsSync(base) && fs.statSync(base).isDirectory()) for (const d of fs.readdirSync(base)) found.push(path.join(base, d));
  }
  return found;
}

/** The run directory of a row (`<logDir>/<dataset>/protonet/<timestamp>`), if training has started. */
export function findRunDir(logDir: string): string | undefined {
  const found = runDirsUnder(logDir);
  if (found.length > 1) throw new Error(`${logDir} holds ${found.length} runs (${found.join(', ')}): one row, one run — remove the ones that are not this row's.`);
  return found[0];
}

/** Waits (up to 20 s) while a run under `logDir` is locked by a live process — a command a killed experiment started. */
async function waitForLiveRuns(logDir: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    const live = runDirsUnder(logDir).filter((d) => {
      try {
        lockFile(path.join(d, LOCK_FILE), { what: d }).release();
        return false;
      } catch {
        return true;
      }
    });
    if (!live.length) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The last log line of `file` without its time and process prefix ('' when there is none yet). */
export function lastLogLine(file: string): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const n = Math.min(size, 16384);
    const buf = Buffer.alloc(n);
    fs.readSync(fd, buf, 0, n, size - n);
    const lines = buf.toString('utf8').split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
    return (lines.at(-1) ?? '').replace(/^\S+Z\[\d+\]\[[A-Z]+\] /, '');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Runs `pixpnet ...args`, its output going to `logFile`; rejects naming the command and the log when it fails. Every
 * `--log.every-seconds` the experiment's own log repeats the child's last line under `label`, so that a Slurm log
 * shows the row moving.
 */
function pixpnet(args: string[], logFile: string, label: string): Promise<void> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'a');
  const every = progressInterval();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ['ignore', fd, fd], env: { ...process.env, PIXPNET_EXIT_WITH_PARENT: String(process.pid), PIXPNET_LOG_EVERY_SECONDS: String(every) },
    });
    const t0 = performance.now();
    const beat = setInterval(() => {
      const line = lastLogLine(logFile);
      log.info(`${label}, pixpnet ${args[0]} (${formatDuration((performance.now() - t0) / 1000)})${line ? `: ${line}` : ''}`);
    }, every * 1000);
    beat.unref();
    const stop = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onInt = stop('SIGINT'), onTerm = stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    child.on('error', (e) => {
      clearInterval(beat);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearInterval(beat);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      fs.closeSync(fd);
      if (code === 0) resolve();
      else {
        const tail = readBoundedText(logFile, { maxBytes: 1024 ** 3, what: 'a log' }).trimEnd().split('\n').filter((l) => /\[ERROR\]/.test(l)).slice(-2).join(' ');
        reject(new Error(`pixpnet ${args[0]} ${signal ? `was stopped (${signal})` : `failed (exit ${code})`}${tail ? `: ${tail.replace(/^.*\[ERROR\] /, '')}` : ''} — its log: ${logFile}`));
      }
    });
  });
}

/** The figures of a finished, evaluated run. */
export function runFigures(rec: InterpretabilityRecord, accuracy: number | undefined, mapping: string): Record<string, number | null> {
  const v: Record<string, number | null> = { accuracy: accuracy ?? null };
  const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : null);
  for (const m of EXPERIMENT_MAPPINGS) {
    const figures = {
      consistency_soft: num(rec.consistency?.[m]?.soft), consistency_hard: num(rec.consistency?.[m]?.hard),
      stability_soft: num(rec.stability?.[m]?.soft), stability_hard: num(rec.stability?.[m]?.hard),
      part_correctness: num(rec.partCorrectness?.[m]?.score),
    };
    for (const [k, x] of Object.entries(figures)) {
      v[`${k}_${m}`] = x;
      if (m === mapping) v[k] = x;
    }
  }
  for (const m of EXPERIMENT_ROT_METHODS) {
    v[`rot_area_${m}`] = num(rec.rot?.[m]?.area);
    const pct = num(rec.rot?.[m]?.pctAtOrigSim);
    v[`rot_pct_${m}`] = pct === null ? null : pct / 100;
  }
  return v;
}

const ROW_SCHEMA: JsonSchema = {
  type: 'object', required: ['config', 'seed', 'mapping', 'runDir', 'values'],
  properties: {
    config: { type: 'string' }, seed: { type: 'integer' }, mapping: { type: 'string' }, runDir: { type: 'string' }, identity: { type: 'string' },
    values: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
  },
};

/** A row file: the row and the identity of the settings that computed it (absent in rows of older versions). */
export type RowFile = ExperimentRun & { identity?: string };

/** Every row file of `out` (a damaged one is an error naming it). */
export function readRows(out: string): RowFile[] {
  const dir = path.join(out, 'rows');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const file = path.join(dir, f);
    const fix = 'delete it to run that row again.';
    let json: unknown;
    try {
      json = JSON.parse(readBoundedText(file, { maxBytes: 1024 * 1024, what: 'a row of the experiment', fix }));
    } catch (e) {
      throw new Error(`${file} is not a readable row of the experiment (${(e as Error).message}): ${fix}`);
    }
    return checkFileData<RowFile>(json, ROW_SCHEMA, file, fix);
  });
}

/** Takes a short lock, waiting while another process holds it (the tables are rewritten in milliseconds). */
async function withShortLock<T>(file: string, what: string, fn: () => Promise<T>, tries = 600): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const l = lockFile(file, { what });
      try {
        return await fn();
      } finally {
        l.release();
      }
    } catch (e) {
      if (!/ is in use by process /.test((e as Error).message) || attempt >= tries) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Writes `runs.csv`, `summary.csv`, `experiment.json` and the figure from every row file; returns the summary. */
export async function writeTables(out: string, plan: ExperimentPlan): Promise<{ runs: ExperimentRun[]; summary: ExperimentSummary[] }> {
  return withShortLock(path.join(out, '.tables.lock'), `the tables of the experiment in ${out}`, async () => {
    const runs = readRows(out).filter((r) => plan.configs.some((c) => c.name === r.config));
    const order = plan.configs.map((c) => c.name);
    const summary = summarizeExperiment(runs).sort((a, b) => order.indexOf(a.config) - order.indexOf(b.config));
    const files: Array<[string, string | Uint8Array]> = [
      [path.join(out, 'runs.csv'), runsCsv(runs)], [path.join(out, 'summary.csv'), summaryCsv(summary)],
      [path.join(out, 'experiment.json'), `${JSON.stringify({ format: 'pixpnet-experiment', name: plan.name, file: plan.file, seeds: plan.seeds, configs: plan.configs.map((c) => ({ name: c.name, file: c.file, mapping: c.mapping, options: c.options })), evaluate: plan.evaluate }, null, 1)}\n`],
    ];
    if (summary.length) {
      const { svg, png } = await renderExperimentPlot(summary, `${plan.name}: mean ± sd over seeds`);
      files.push([path.join(out, 'experiment.svg'), svg], [path.join(out, 'experiment.png'), png]);
    }
    writeAllAtomic(files);
    return { runs, summary };
  });
}

/**
 * Throws when `out` holds rows of a config of the same name computed with other settings (its file, options, mapping
 * or evaluation changed since): they would be mixed with the new rows in the tables. A damaged row file is named here
 * too, before any work.
 */
export function checkRowsBelong(out: string, plan: ExperimentPlan): void {
  const identity = new Map(plan.configs.map((c) => [c.name, c.identity]));
  const stale = readRows(out).filter((r) => identity.has(r.config) && r.identity !== identity.get(r.config)).map((r) => `${r.config}__seed-${r.seed}.json`);
  if (stale.length) {
    throw new Error(`${out} holds ${stale.length} row(s) computed with other settings of the same config (${stale.slice(0, 4).join(', ')}${stale.length > 4 ? ', …' : ''}): ` +
      'the config file, its options, its mapping or the evaluation changed since. Give another --out, or delete those rows (rows/<config>__seed-<s>.json) and their runs (runs/<config>/) to compute them again.');
  }
}

/** Generates the experiment's synthetic set when it is missing (once, whichever shard gets there first). */
async function prepareSynth(synth: SynthOptions): Promise<void> {
  const ready = () => fs.existsSync(path.join(synth.out, 'CUB_200_2011', 'images.txt'));
  if (ready()) return;
  fs.mkdirSync(path.dirname(synth.out), { recursive: true });
  await withShortLock(`${synth.out}.lock`, `the synthetic set ${synth.out}`, async () => {
    if (ready()) return; // made by another shard meanwhile
    log.info(`Generating the experiment's synthetic set in ${synth.out}`);
    await writeSynthDataset(synth);
  }, 6000);
}

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions {
  out: string;
  shard?: Shard;
  /** Called when a row starts and ends. */
  onRow?: (e: { index: number; rows: number; config: string; seed: number; state: 'start' | 'done' | 'skipped' | 'busy' }) => void;
}

/** Trains and scores one row; returns its figures. */
async function runRow(out: string, plan: ExperimentPlan, config: ExperimentConfig, seed: number): Promise<ExperimentRun> {
  const p = rowPaths(out, config.name, seed);
  const logFile = path.join(p.logDir, 'pixpnet.log');
  const label = `${config.name} seed ${seed}`;
  await waitForLiveRuns(p.logDir); // (what a killed experiment started stops within a second)
  let runDir = findRunDir(p.logDir);
  if (runDir && !fs.existsSync(path.join(runPaths(runDir).results, 'config.yaml')) && !latestCheckpoint(runDir)) {
    log.info(`${config.name} seed ${seed}: ${runDir} was stopped before it recorded anything: starting the row's run again`);
    fs.rmSync(runDir, { recursive: true, force: true });
    runDir = undefined;
  }
  if (!runDir) {
    await pixpnet(['train', '-c', config.file, ...optionArgs({ ...config.options, seed }), '--log-dir', p.logDir, '--eval.no-interpretability'], logFile, label);
    runDir = findRunDir(p.logDir);
    if (!runDir) throw new Error(`pixpnet train left no run directory in ${p.logDir}: see ${logFile}`);
  } else if (!fs.existsSync(path.join(runPaths(runDir).results, 'scores.yaml'))) {
    log.info(`${config.name} seed ${seed}: resuming ${runDir}`);
    await pixpnet(['train', '--resume', runDir], logFile, label);
  }
  await pixpnet(['evaluate', runDir, '--method', EXPERIMENT_MAPPINGS.join(','), '--rot.methods', EXPERIMENT_ROT_METHODS.join(','), ...optionArgs(plan.evaluate)], logFile, label);
  const scores = readScores(path.join(runPaths(runDir).results, 'scores.yaml'));
  const rec = readInterpretabilityFile(path.join(runPaths(runDir).results, 'interpretability.yaml'), 'run pixpnet evaluate on it again.');
  if (!rec) throw new Error(`${runDir}: pixpnet evaluate wrote no results/interpretability.yaml (see ${logFile}).`);
  if (rec.collapsed?.length) log.warning(`${config.name} seed ${seed}: the model looks collapsed (${rec.collapsed.join('; ')}); its figures are kept in the tables.`);
  const row: RowFile = {
    config: config.name, seed, mapping: config.mapping, runDir: path.relative(out, runDir), values: runFigures(rec, scores?.['test_accuracy'], config.mapping), identity: config.identity,
  };
  writeAtomic(p.file, `${JSON.stringify(row, null, 1)}\n`);
  return row;
}

/** Runs every row of the plan (of one shard) not done yet; returns the tables over every row done so far. */
export async function runExperiment(plan: ExperimentPlan, o: RunExperimentOptions): Promise<{ runs: ExperimentRun[]; summary: ExperimentSummary[] }> {
  const { out } = o;
  checkRowsBelong(out, plan); // before any work: rows of other settings are never mixed in
  if (plan.synth) await prepareSynth(plan.synth);
  const rows = shardRows(plan.rows, o.shard);
  for (const [index, { config, seed }] of rows.entries()) {
    const p = rowPaths(out, config.name, seed);
    if (fs.existsSync(p.file)) {
      o.onRow?.({ index, rows: rows.length, config: config.name, seed, state: 'skipped' });
      continue;
    }
    fs.mkdirSync(path.dirname(p.lock), { recursive: true });
    let lock;
    try {
      lock = lockFile(p.lock, { what: `row ${config.name} seed ${seed} of the experiment` });
    } catch (e) {
      if (!/ is in use by process /.test((e as Error).message)) throw e;
      o.onRow?.({ index, rows: rows.length, config: config.name, seed, state: 'busy' });
      continue; // another process runs it
    }
    try {
      if (fs.existsSync(p.file)) continue; // finished by another process meanwhile
      o.onRow?.({ index, rows: rows.length, config: config.name, seed, state: 'start' });
      await runRow(out, plan, config, seed);
      o.onRow?.({ index, rows: rows.length, config: config.name, seed, state: 'done' });
    } finally {
      lock.release();
    }
    await writeTables(out, plan);
  }
  return writeTables(out, plan);
}
