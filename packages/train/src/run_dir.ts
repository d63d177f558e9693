/** The run directory of spec §3.1: `<log_dir>/<dataset>[__<run_id>]/<model>/<timestamp>[_DEBUG][_n]`. */
import fs from 'node:fs';
import path from 'node:path';
import filenameReservedRegex from 'filename-reserved-regex';
import { log } from '@pixpnet/engine';
import { TRAIN_OPTIONS } from './options.js';

/** The longest run id in bytes: `<dataset>__<run-id>` stays within the 255 bytes of a folder name. */
export const MAX_RUN_ID_BYTES = 200;

/** What a run id may hold, for messages. */
export const RUN_ID_RULE = `a single folder name: no '/', '\\', ':', '*', '?', '"', '<', '>', '|' or control characters, not '.' or '..', not ending in a space or a dot, at most ${MAX_RUN_ID_BYTES} bytes (e.g. lr0.01_seed3)`;

const shown = (c: string) => (/[\u0000-\u001f]/.test(c) ? (c === '\0' ? 'NUL' : `U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`) : `'${c}'`);

/**
 * Why `id` cannot be the run id that becomes part of the run directory's folder name `<dataset>__<id>` (so that it
 * never reaches outside `--log-dir`), or `undefined` when it can. The reserved characters are those of
 * `filename-reserved-regex` (Linux, macOS or Windows refuse them or split a path on them).
 */
export function runIdProblem(id: string): string | undefined {
  if (id === '') return 'it is empty';
  if (id === '.' || id === '..') return `it is '${id}'`;
  const found = [...id.matchAll(filenameReservedRegex())];
  const chars = [...new Set(found.filter((m) => !(m.index === id.length - 1 && /[ .]/.test(m[0]))).map((m) => m[0]))];
  if (chars.length) return `it contains ${chars.map(shown).join(', ')}`;
  if (found.length) return 'it ends in a space or a dot';
  const bytes = Buffer.byteLength(id);
  if (bytes > MAX_RUN_ID_BYTES) return `it is ${bytes} bytes long`;
  return undefined;
}

/**
 * Throws unless every option whose value becomes part of a folder's name (`run-id`) holds one folder name; the error
 * names the option as `named(key)` gives it (the flag, or the key in the config file) and what is allowed.
 */
export function checkFolderNames(config: Record<string, unknown>, named: (key: string) => string): void {
  for (const o of TRAIN_OPTIONS) {
    const v = config[o.key];
    const problem = o.folderName && typeof v === 'string' ? runIdProblem(v) : undefined;
    if (problem) {
      throw new Error(`Invalid configuration: ${named(o.key)} ${JSON.stringify(v)} cannot be part of the run directory's name (<log-dir>/<dataset>__<${o.key}>/…): ` +
        `${problem}. Give ${RUN_ID_RULE}.`);
    }
  }
}

/** Local ISO time to seconds with `:` replaced by `_`, e.g. `2023-09-25T14_03_11`. */
export function timestamp(d: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}_${p(d.getMinutes())}_${p(d.getSeconds())}`;
}

/** Creates a fresh run directory (never reusing one: `_1`, `_2`, … are tried, with a warning). */
export function createRunDir(o: { logDir: string; dataset: string; runId?: string; model: string; debug?: boolean; now?: Date }): string {
  const problem = o.runId === undefined ? undefined : runIdProblem(o.runId);
  if (problem) throw new Error(`The run id ${JSON.stringify(o.runId)} cannot be part of the run directory's name: ${problem}. It must be ${RUN_ID_RULE}.`);
  const base = path.join(o.logDir, `${o.dataset.toLowerCase()}${o.runId ? `__${o.runId}` : ''}`, o.model.toLowerCase(), `${timestamp(o.now)}${o.debug ? '_DEBUG' : ''}`);
  fs.mkdirSync(path.dirname(base), { recursive: true });
  for (let n = 0; ; n++) {
    const dir = n ? `${base}_${n}` : base;
    try {
      fs.mkdirSync(dir); // fails if it exists: two runs never share a directory
      if (n) log.warning(`${base} exists: writing to ${dir}`);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** The layout inside a run directory (spec §3.8). */
export function runPaths(runDir: string) {
  const csv = path.join(runDir, 'csv', 'version_0');
  return {
    csv,
    metrics: path.join(csv, 'metrics.csv'),
    hparams: path.join(csv, 'hparams.yaml'),
    checkpoints: path.join(csv, 'checkpoints'),
    results: path.join(runDir, 'results'),
    tensorboard: path.join(runDir, 'tensorboard', 'version_0'),
    model: path.join(runDir, 'model'),
  };
}
