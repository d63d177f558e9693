/** TensorBoard output of a run: every `metrics` row as scalars, in `tensorboard/version_0/` with `hparams.yaml`. */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { runPaths } from '../run_dir.js';
import type { HistogramsEvent, MetricsEvent, RunStartEvent } from '../events.js';
import { readTensorBoardEvents, TensorBoardWriter } from './tensorboard.js';

/** Writes scalars as they come. On resume the earlier event files are rewritten to the rows the checkpoint had seen. */
export class TensorBoardMetricsWriter {
  private writer?: TensorBoardWriter;

  start(e: RunStartEvent): void {
    const dir = runPaths(e.runDir).tensorboard;
    fs.mkdirSync(dir, { recursive: true });
    const old = fs.readdirSync(dir).filter((f) => f.startsWith('events.out.tfevents.')).map((f) => path.join(dir, f)).sort();
    this.writer = new TensorBoardWriter(dir);
    if (e.resumed) {
      // keep what the checkpoint had seen: its metric rows, and histograms up to its step (a damaged tail is dropped)
      let rows = 0;
      for (const f of old) {
        for (const ev of readTensorBoardEvents(f, { tolerateTail: true, withData: true })) {
          if (rows >= e.resumed.csvRows) break;
          const scalar = Object.keys(ev.scalars).length > 0, histogram = Object.keys(ev.histograms).length > 0;
          if (scalar) rows++;
          if ((scalar || (histogram && ev.step <= e.resumed.globalStep)) && ev.data) this.writer.appendSerialized(ev.data);
        }
      }
      this.writer.flush();
    }
    for (const f of old) fs.rmSync(f, { force: true });
    const section = (k: string) => e.resultsConfig[k] ?? {};
    fs.writeFileSync(path.join(dir, 'hparams.yaml'), YAML.stringify({ optimizer: section('optimizer'), train: section('train'), model: section('model') }));
  }

  row(e: MetricsEvent): void {
    this.writer?.addScalars(e.values, e.step);
  }

  histograms(e: HistogramsEvent): void {
    for (const [tag, v] of Object.entries(e.values)) {
      const finite = v.every(Number.isFinite);
      if (v.length && finite) this.writer?.addHistogram(tag, v, e.step);
    }
  }

  flush(): void {
    this.writer?.flush();
  }

  close(): void {
    this.writer?.close();
    this.writer = undefined;
  }
}
