import { describe, expect, it } from 'vitest';
import { readSweepCsv, REFERENCE_COLUMNS, SWEEP_COLUMNS } from './csv.js';
import { csvText, syntheticRows } from './sweep.testkit.js';

describe("readSweepCsv: pixpnet sweep's format", () => {
  it('reads every column, numbers as numbers, with the line each row comes from', () => {
    const rows = syntheticRows('synthparts', 64, ['vgg11']);
    rows[2] = { ...rows[2]!, 'Test Accuracy Epoch': '', 'Test Accuracy Top5 Epoch': '', Note: 'out of memory: 1.2 GB, the wasm heap holds 1 GB' };
    const csv = readSweepCsv(csvText(rows), 'sweep.csv');
    expect(csv.format).toBe('pixpnet');
    expect(csv.rows).toHaveLength(8);
    const r = csv.rows[4]!;
    expect(r).toMatchObject({ model: 'vgg11', stageNumber: 16, stageName: 'maxpool4', dataset: 'synthparts', height: 64, width: 64, note: '',
      params: 5000, macsPerImage: 250000, trainSeconds: 12.5, backend: 'wasm', pretrained: 'false', sweep: 'abc123', source: 'sweep.csv:6' });
    expect(r.patchPct).toBe(rows[4]!['Patch % of Image']);
    expect(r.testAccuracy).toBe(rows[4]!['Test Accuracy Epoch']);
    expect(csv.rows[2]).toMatchObject({ testAccuracy: null, testAccuracyTop5: null, note: 'out of memory: 1.2 GB, the wasm heap holds 1 GB' });
  });

  it("requires all of pixpnet sweep's columns once it has one of them, naming the missing ones", () => {
    const cols = SWEEP_COLUMNS.filter((c) => c !== 'Sweep' && c !== 'Train Seconds');
    expect(() => readSweepCsv(csvText(syntheticRows('d', 64, ['vgg11']), cols), 'shard0.csv'))
      .toThrow("shard0.csv is not a sweep CSV: pixpnet sweep's CSV needs the columns 'Train Seconds', 'Sweep', missing from its header");
  });
});

describe("readSweepCsv: the reference's format", () => {
  it("reads the reference's columns in any order, ignoring others, with the patch % left to compute", () => {
    const text = [
      ',Test Accuracy Epoch,Test Accuracy Top5 Epoch,Test Loss Epoch,Dataset,Height,Width,Stage #,Stage Name,Model',
      '0,0.8123,0.9712,0.61,imagenette,224,224,8,layer4,resnet18',
      '1,0.5500,0.8500,1.3,imagenette,224,224,"3","conv1",resnet18',
    ].join('\r\n');
    const csv = readSweepCsv(text, 'hackjob_results_2023.csv');
    expect(csv.format).toBe('reference');
    expect(csv.rows).toEqual([
      { model: 'resnet18', stageNumber: 8, stageName: 'layer4', dataset: 'imagenette', height: 224, width: 224, testAccuracy: 0.8123, testAccuracyTop5: 0.9712,
        patchPct: null, note: '', source: 'hackjob_results_2023.csv:2' },
      { model: 'resnet18', stageNumber: 3, stageName: 'conv1', dataset: 'imagenette', height: 224, width: 224, testAccuracy: 0.55, testAccuracyTop5: 0.85,
        patchPct: null, note: '', source: 'hackjob_results_2023.csv:3' },
    ]);
  });
});

describe('readSweepCsv: bad input', () => {
  it('says an empty CSV is empty', () => {
    for (const text of ['', '\n\n', '  ']) {
      expect(() => readSweepCsv(text, 'empty.csv')).toThrow(/^empty.csv is empty: a sweep CSV \(written by pixpnet sweep\) starts with the header Model, Stage #, Stage Name/);
    }
  });

  it('names the file and every missing column of a CSV of another format', () => {
    const metrics = 'epoch,step,train_total_loss,train_accuracy\n0,10,2.3,0.1\n';
    let message = '';
    try {
      readSweepCsv(metrics, 'run/csv/version_0/metrics.csv');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^run\/csv\/version_0\/metrics.csv is not a sweep CSV: a sweep CSV needs the columns /);
    for (const c of REFERENCE_COLUMNS) expect(message).toContain(`'${c}'`);
    expect(message).toContain("missing from its header ('epoch', 'step', 'train_total_loss', 'train_accuracy')");
    // one column short
    const cols = REFERENCE_COLUMNS.filter((c) => c !== 'Width');
    expect(() => readSweepCsv(cols.join(',') + '\n', 'a.csv')).toThrow("a.csv is not a sweep CSV: a sweep CSV needs the column 'Width', missing from its header");
  });

  it('reads a header without rows as no rows (the analysis says there is nothing to analyse)', () => {
    expect(readSweepCsv(SWEEP_COLUMNS.join(',') + '\n', 'h.csv')).toEqual({ name: 'h.csv', format: 'pixpnet', rows: [] });
  });

  it('names the line and the column of a bad cell: accuracies are fractions, sizes whole numbers', () => {
    const head = REFERENCE_COLUMNS.join(',');
    expect(() => readSweepCsv(`${head}\nvgg11,3,maxpool1,imagenette,224,224,85.2,97.1\n`, 'p.csv'))
      .toThrow("p.csv line 2: 'Test Accuracy Epoch' must be an accuracy as a fraction from 0 to 1, got '85.2'.");
    expect(() => readSweepCsv(`${head}\nvgg11,3,maxpool1,imagenette,224.5,224,0.8,0.9\n`, 'p.csv'))
      .toThrow("p.csv line 2: 'Height' must be a whole number ≥ 1, got '224.5'.");
    expect(() => readSweepCsv(`${head}\n,3,maxpool1,imagenette,224,224,0.8,0.9\n`, 'p.csv')).toThrow("p.csv line 2: 'Model' is empty.");
    const rows = syntheticRows('d', 64, ['vgg11']).slice(0, 1).map((r) => ({ ...r, 'Patch % of Image': 0 }));
    expect(() => readSweepCsv(csvText(rows), 'q.csv')).toThrow("q.csv line 2: 'Patch % of Image' must be a percentage in (0, 100], got '0'.");
  });

  it('reports a malformed CSV as such', () => {
    expect(() => readSweepCsv('Model,"Stage #\nvgg11,3\n', 'broken.csv')).toThrow(/^broken.csv is not a readable CSV: /);
  });
});
