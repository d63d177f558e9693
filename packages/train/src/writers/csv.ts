/** `csv/version_0/metrics.csv` and `hparams.yaml` (spec §3.8): one row per `metrics` event, header fixed at run start. */
import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse/sync';
import YAML from 'yaml';
import { runPaths } from '../run_dir.js';
import { fsyncFile, removeStaleTemps, writeAtomic } from '@pixpnet/engine';
import type { MetricsEvent, RunStartEvent } from '../events.js';

/** Writes metrics rows as they come; on resume keeps exactly the rows the checkpoint had seen. */
export class CsvMetricsWriter {
  private columns: string[] = [];
  private file = '';

  start(e: RunStartEvent): void {
    const p = runPaths(e.runDir);
    this.file = p.metrics;
    this.columns = ['epoch', 'step', ...e.metricNames];
    fs.mkdirSync(p.csv, { recursive: true });
    removeStaleTemps(p.csv);
    const header = stringify([this.columns]);
    if (e.resumed && fs.existsSync(this.file)) {
      const rows = parse(fs.readFileSync(this.file, 'utf8'), { relax_column_count: true }) as string[][];
      const kept = rows.slice(1, 1 + e.resumed.csvRows);
      writeAtomic(this.file, header + stringify(kept));
    } else writeAtomic(this.file, header);
    const section = (k: string) => e.resultsConfig[k] ?? {};
    writeAtomic(p.hparams, YAML.stringify({ optimizer: section('optimizer'), train: section('train'), model: section('model') }));
  }

  /** Forces the rows to disk (at each checkpoint: a resumed run needs the rows the checkpoint counts). */
  flush(): void {
    if (this.file) fsyncFile(this.file);
  }

  row(e: MetricsEvent): void {
    const v: Record<string, number | string> = { ...e.values, epoch: e.epoch, step: e.step };
    fs.appendFileSync(this.file, stringify([this.columns.map((c) => (v[c] === undefined ? '' : v[c]))]));
  }
}

/** Reads a `metrics.csv` back: one object per row, empty cells left out, numbers parsed. */
export function readMetricsCsv(file: string): Array<Record<string, number>> {
  const rows = parse(fs.readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '').map(([k, v]) => [k, Number(v)])));
}

