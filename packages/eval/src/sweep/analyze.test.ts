import { describe, expect, it } from 'vitest';
import { computeReceptiveFields, zooModel } from '@pixpnet/symbolic';
import { analyzeSweep, paretoFront, sweepRowsJson } from './analyze.js';
import { readSweepCsv, REFERENCE_COLUMNS } from './csv.js';
import { paretoRanks } from './pareto.js';
import { csvText, syntheticRows } from './sweep.testkit.js';

const ours = (rows = syntheticRows(), name = 'sweep.csv') => readSweepCsv(csvText(rows), name);

describe('analyzeSweep', () => {
  it('sorts naturally, normalises Stage # within each model, and ranks every row', () => {
    const rows = syntheticRows('synthparts', 64, ['vgg16_bn', 'resnet18', 'vgg11']).reverse();
    const a = analyzeSweep([ours(rows)]);
    expect([...new Set(a.rows.map((r) => r.model))]).toEqual(['resnet18', 'vgg11', 'vgg16_bn']);
    const vgg11 = a.rows.filter((r) => r.model === 'vgg11');
    expect(vgg11.map((r) => r.stageNumber)).toEqual([2, 3, 6, 11, 16, 21, 22, 23]);
    expect(vgg11.map((r) => r.stageNorm)).toEqual([0, 1 / 21, 4 / 21, 9 / 21, 14 / 21, 19 / 21, 20 / 21, 1]);
    expect(a.rows.filter((r) => r.model === 'resnet18').map((r) => r.stageNorm)).toEqual([0, 1 / 7, 2 / 7, 3 / 7, 4 / 7, 5 / 7, 6 / 7, 1]);
    expect(a.panels).toEqual(['synthparts']);
    expect(a.rows.map((r) => r.paretoRank)).toEqual(paretoRanks(a.rows.map((r) => ({ accuracy: r.testAccuracy, patchPct: r.patchPct }))));
    const front = paretoFront(a, 'synthparts');
    expect(front.length).toBeGreaterThan(2);
    for (let i = 1; i < front.length; i++) {
      expect(front[i]!.patchPct).toBeGreaterThan(front[i - 1]!.patchPct);
      expect(front[i]!.testAccuracy).toBeGreaterThan(front[i - 1]!.testAccuracy);
    }
  });

  it('gives a model with one stage a Stage # Norm of 0', () => {
    const a = analyzeSweep([ours(syntheticRows('d', 64, ['vgg11']).slice(3, 4))]);
    expect(a.rows.map((r) => [r.stageName, r.stageNorm, r.paretoRank])).toEqual([['maxpool3', 0, 1]]);
  });

  it("computes the patch % of the reference's rows from the zoo, DenseNet's norm0 and norm5 included", () => {
    const rows = syntheticRows('imagenette', 64, ['densenet121', 'vgg11']);
    const a = analyzeSweep([readSweepCsv(csvText(rows, REFERENCE_COLUMNS), 'ref.csv')]);
    const want = computeReceptiveFields(zooModel('densenet121'), { height: 64, width: 64, layers: ['norm0', 'norm5'] }).layers;
    expect(a.rows.find((r) => r.stageName === 'norm0')!.patchPct).toBe(want['norm0']!.meanChannelAreaPct);
    expect(a.rows.find((r) => r.stageName === 'norm5')!.patchPct).toBe(want['norm5']!.meanChannelAreaPct);
    // vgg11 conv1 (3×3, padding 1) at 64×64: 62² units see 9 pixels, 4·62 edge units 6, 4 corners 4
    expect(a.rows.find((r) => r.model === 'vgg11' && r.stageName === 'conv1')!.patchPct).toBeCloseTo(((62 * 62 * 9 + 4 * 62 * 6 + 4 * 4) / 4096 / 4096) * 100, 12);
    expect(a.rows).toHaveLength(16);
  });

  it('names the rows, model and stage whose patch % cannot be computed', () => {
    const head = REFERENCE_COLUMNS.join(',');
    const unknownModel = readSweepCsv(`${head}\nmynet,3,conv1,imagenette,64,64,0.5,0.9\n`, 'ref.csv');
    expect(() => analyzeSweep([unknownModel])).toThrow(/^Cannot compute the Patch % of Image of mynet at 64x64 \(ref.csv:2\): Unknown model 'mynet'. Models in the zoo: /);
    const unknownStage = readSweepCsv(`${head}\nvgg11,3,maxpool9,imagenette,64,64,0.5,0.9\n`, 'ref.csv');
    expect(() => analyzeSweep([unknownStage])).toThrow(/^Cannot compute the Patch % of Image of vgg11 at 64x64 \(ref.csv:2\): vgg11 has no layer 'maxpool9'. Its layers are: conv_no_act1, conv1,/);
  });

  it('sets aside rows that did not run, and refuses to analyse nothing', () => {
    const rows = syntheticRows('d', 64, ['vgg11']);
    rows[1] = { ...rows[1]!, 'Test Accuracy Epoch': '', 'Test Accuracy Top5 Epoch': '', Note: 'too large for the wasm heap' };
    rows[2] = { ...rows[2]!, 'Test Accuracy Epoch': '' };
    const a = analyzeSweep([ours(rows)]);
    expect(a.rows).toHaveLength(6);
    expect(a.skipped.map((r) => [r.stageName, r.note])).toEqual([['maxpool1', 'too large for the wasm heap'], ['maxpool2', '']]);
    const json = sweepRowsJson(a);
    expect(json).toHaveLength(8);
    expect(json[6]).toMatchObject({ stageName: 'maxpool1', paretoRank: null, note: 'too large for the wasm heap' });
    expect(json[7]).toMatchObject({ stageName: 'maxpool2', paretoRank: null, note: 'no test accuracy' });
    expect(json[0]).toMatchObject({ stageName: 'conv1', paretoRank: expect.any(Number), stageNorm: 0 });
    expect(json[0]!.patchPct).toBeCloseTo(((62 * 62 * 9 + 4 * 62 * 6 + 4 * 4) / 4096 / 4096) * 100, 12);

    const none = rows.map((r) => ({ ...r, Note: 'killed' }));
    expect(() => analyzeSweep([ours(none, 'a.csv'), readSweepCsv(REFERENCE_COLUMNS.join(',') + '\n', 'b.csv')]))
      .toThrow('No row with a test accuracy in a.csv, b.csv (8 rows did not run): nothing to analyse.');
  });

  it('ranks each dataset (and input size) on its own and warns about rows present twice', () => {
    const a = analyzeSweep([ours(syntheticRows('cifar10', 32, ['vgg11']), 'a.csv'), ours([...syntheticRows('imagenette', 64, ['vgg11']), ...syntheticRows('imagenette', 32, ['vgg11'])], 'b.csv'),
      ours(syntheticRows('cifar10', 32, ['vgg11']).slice(0, 1).map((r) => ({ ...r, Sweep: 'other1' })), 'c.csv')]); // other settings
    expect(a.panels).toEqual(['cifar10', 'imagenette (32 × 32)', 'imagenette (64 × 64)']);
    for (const p of a.panels) expect(a.rows.some((r) => r.panel === p && r.paretoRank === 1)).toBe(true);
    expect(a.warnings).toEqual(['vgg11 conv1 on cifar10 at 32x32 is in a.csv:2 and in c.csv:2: both are analysed.']);
  });

  it('refuses rows of the same settings that come twice (two sweeps on one CSV, a CSV given twice), naming the lines', () => {
    const rows = syntheticRows('cifar10', 32, ['vgg11']);
    const twice = ours([...rows, rows[2]!, rows[5]!], 'a.csv');
    expect(() => analyzeSweep([twice])).toThrow('2 row(s) of the same sweep settings come more than once — vgg11 maxpool2 on cifar10 at 32x32 (sweep abc123, pretrained false): a.csv:4, a.csv:10; ' +
      'vgg11 maxpool5 on cifar10 at 32x32 (sweep abc123, pretrained false): a.csv:7, a.csv:11. Two sweeps wrote one CSV, or a CSV was given twice');
    expect(() => analyzeSweep([ours(rows, 'a.csv'), ours(rows, 'a.csv')])).toThrow(/come more than once — vgg11 conv1 on cifar10 at 32x32 \(sweep abc123, pretrained false\): a\.csv:2, a\.csv:2;/);
    const ref = (name: string) => readSweepCsv(csvText(rows, REFERENCE_COLUMNS), name);
    expect(() => analyzeSweep([readSweepCsv(csvText([...rows, rows[0]!], REFERENCE_COLUMNS), 'ref.csv')])).toThrow(/vgg11 conv1 on cifar10 at 32x32 \(file ref\.csv\): ref\.csv:2, ref\.csv:10/);
    expect(analyzeSweep([ref('r1.csv'), ref('r2.csv')]).warnings).toHaveLength(rows.length); // two reference runs: compared
  });
});
