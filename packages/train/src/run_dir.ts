/** The run directory of spec §3.1: `<log_dir>/<dataset>[__<run_id>]/<model>/<timestamp>[_DEBUG][_n]`. */
import fs from 'node:fs';
import path from 'node:path';
import { log } from '@pixpnet/engine';

/** Local ISO time to seconds with `:` replaced by `_`, e.g. `2023-09-25T14_03_11`. */
export function timestamp(d: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}_${p(d.getMinutes())}_${p(d.getSeconds())}`;
}

/** Creates a fresh run directory (never reusing one: `_1`, `_2`, … are tried, with a warning). */
export function createRunDir(o: { logDir: string; dataset: string; runId?: string; model: string; debug?: boolean; now?: Date }): string {
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
