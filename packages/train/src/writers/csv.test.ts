import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvMetricsWriter, readMetricsCsv } from './csv.js';
import { runPaths } from '../run_dir.js';
import type { RunStartEvent } from '../events.js';

const start = (runDir: string, csvRows?: number) =>
  ({ type: 'runStart', runDir, metricNames: ['train_loss', 'val_accuracy'], resultsConfig: {}, ...(csvRows !== undefined ? { resumed: { csvRows } } : {}) }) as unknown as RunStartEvent;

describe('CsvMetricsWriter on resume', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-csv-'));
  /** A run directory whose metrics.csv holds `text`, and that file. */
  const runWith = (text: string): [string, string] => {
    const run = dir(), file = runPaths(run).metrics;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return [run, file];
  };

  it('keeps the whole rows the checkpoint counted, drops a row cut short, and names the file when rows are lost', () => {
    const [run, file] = runWith('epoch,step,train_loss,val_accuracy\n0,1,2.5,\n0,2,2.25,0.5\n1,3,2.0\n1,4,1.5,0.75\n');
    new CsvMetricsWriter().start(start(run, 3));
    expect(fs.readFileSync(file, 'utf8')).toBe('epoch,step,train_loss,val_accuracy\n0,1,2.5,\n0,2,2.25,0.5\n');
    expect(readMetricsCsv(file)).toEqual([{ epoch: 0, step: 1, train_loss: 2.5 }, { epoch: 0, step: 2, train_loss: 2.25, val_accuracy: 0.5 }]);
  });

  it('a file that is not this run\'s metrics keeps no row', () => {
    const [run, file] = runWith('"garbage\nmore,garbage\n');
    new CsvMetricsWriter().start(start(run, 2));
    expect(fs.readFileSync(file, 'utf8')).toBe('epoch,step,train_loss,val_accuracy\n');
    const copies = fs.readdirSync(path.dirname(file)).filter((f) => /^metrics\..+\.csv$/.test(f));
    expect(copies).toHaveLength(1); // the file as it was
    expect(fs.readFileSync(path.join(path.dirname(file), copies[0]!), 'utf8')).toBe('"garbage\nmore,garbage\n');
  });

  it('readMetricsCsv names a file it cannot read', () => {
    const run = dir(), file = path.join(run, 'metrics.csv');
    fs.writeFileSync(file, 'a,b\n1,2,3\n');
    expect(() => readMetricsCsv(file)).toThrow(/metrics\.csv is not a readable metrics CSV \(.*\): restore it from a copy, or delete it/);
  });
});
