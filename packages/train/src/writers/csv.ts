/** `csv/version_0/metrics.csv` and `hparams.yaml` (spec §3.8): one row per `metrics` event, header fixed at run start. */
import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse/sync';
import YAML from 'yaml';
import { runPaths } from '../run_dir.js';
import { appendWhole, fsyncFile, log, readBoundedText, removeStaleTemps, writeAtomic } from '@pixpnet/engine';
import { RUN_FILE_LIMITS } from '../run_files.js';
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
      // the rows the checkpoint counted, whole ones only (a row cut short, or a file that is not this run's, is dropped
      // and said: its metrics cannot be recovered)
      let rows: string[][] = [];
      const text = readBoundedText(this.file, { maxBytes: RUN_FILE_LIMITS.csv, what: 'the metrics CSV of the run', fix: 'move it away to resume (its rows are then lost).' });
      try {
        rows = parse(text, { relax_column_count: true, relax_quotes: true }) as string[][];
      } catch {
        rows = [];
      }
      const ours = rows[0]?.join(',') === this.columns.join(',');
      const kept = ours ? rows.slice(1, 1 + e.resumed.csvRows).filter((r) => r.length === this.columns.length) : [];
      if (kept.length < e.resumed.csvRows) {
        const copy = this.file.replace(/\.csv$/, `.${new Date().toISOString().replace(/[:.]/g, '-')}.csv`);
        fs.copyFileSync(this.file, copy); // what could not be kept stays readable there
        log.warning(`${this.file} held ${kept.length} whole row(s) of the ${e.resumed.csvRows} the checkpoint counted` +
          `${ours ? '' : ' (its header is not this run\'s)'}: the run continues with those; the file as it was is kept as ${copy}.`);
      }
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
    appendWhole(this.file, stringify([this.columns.map((c) => (v[c] === undefined ? '' : v[c]))]));
  }
}

/** Reads a `metrics.csv` back: one object per row, empty cells left out, numbers parsed. */
export function readMetricsCsv(file: string): Array<Record<string, number>> {
  let rows: Array<Record<string, string>>;
  const fix = 'restore it from a copy, or delete it (a report then has no training curves).';
  const text = readBoundedText(file, { maxBytes: RUN_FILE_LIMITS.csv, what: 'the metrics CSV of the run', fix });
  try {
    rows = parse(text, { columns: true }) as Array<Record<string, string>>;
  } catch (e) {
    throw new Error(`${file} is not a readable metrics CSV (${(e as Error).message}): ${fix}`);
  }
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '').map(([k, v]) => [k, Number(v)])));
}

