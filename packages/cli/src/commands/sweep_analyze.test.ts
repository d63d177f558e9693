import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import sharp from 'sharp';
import { setLogSink } from '@pixpnet/engine';
import { registerSweepAnalyze, SWEEP_ANALYZE_FILES } from './sweep_analyze.js';

afterEach(() => vi.restoreAllMocks());

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-sweep-analyze-'));
const HEADER = 'Model,Stage #,Stage Name,Dataset,Height,Width,Test Accuracy Epoch,Test Accuracy Top5 Epoch,Patch % of Image,Params,MACs per Image,Train Seconds,Backend,Pretrained,Note,Sweep';
/** A small sweep on a 64 px dataset; the patch % are the zoo's for these stages at 64 × 64. */
const ROWS = [
  'vgg11,2,conv1,synthparts,64,64,0.31,0.62,0.2151727676,9000,1e6,10.5,wasm,false,,s1',
  'vgg11,6,maxpool2,synthparts,64,64,0.45,0.80,2.2644042969,90000,4e6,11,wasm,false,,s1',
  'vgg11,11,maxpool3,synthparts,64,64,0.58,0.90,17.11,400000,7e6,12,wasm,false,,s1',
  'vgg11,16,maxpool4,synthparts,64,64,0.71,0.95,63.48,2000000,9e6,14,wasm,false,,s1',
  'vgg11,23,classifier,synthparts,64,64,0.70,0.96,100,9000000,9.5e6,15,wasm,false,,s1',
  'resnet18,3,conv1,synthparts,64,64,0.36,0.70,1.1,9000,1e6,9,wasm,false,,s1',
  'resnet18,5,layer1,synthparts,64,64,0.52,0.85,31.2,150000,3e6,10,wasm,false,,s1',
  'resnet18,8,layer4,synthparts,64,64,0.74,0.97,100,11000000,3.3e7,20,wasm,false,,s1',
  'resnet18,7,layer3,synthparts,64,64,,,100,,,,wasm,false,out of memory: needs 1.3 GB,s1',
];
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

/** Runs `sweep analyze ...args` on a throwaway `sweep` command; captures stdout and the log. */
async function run(...args: string[]): Promise<{ out: string; err: string; error?: Error }> {
  const sweep = new Command('sweep').exitOverride().configureOutput({ writeErr: () => undefined });
  registerSweepAnalyze(sweep);
  let out = '', err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const previous = setLogSink((line) => (err += line + '\n'));
  try {
    await sweep.parseAsync(['analyze', ...args], { from: 'user' });
    return { out, err };
  } catch (e) {
    return { out, err, error: e as Error };
  } finally {
    setLogSink(previous);
    vi.restoreAllMocks();
  }
}

describe('pixpnet sweep analyze', () => {
  it('writes both figures, the front tables and the rows, and prints the front', async () => {
    const csv = write('sweep.csv', [HEADER, ...ROWS].join('\n') + '\n');
    const out = path.join(dir, 'analysis');
    const r = await run(csv, '--out', out);
    expect(r.error).toBeUndefined();
    for (const f of SWEEP_ANALYZE_FILES) expect(fs.existsSync(path.join(out, f))).toBe(true);
    expect(fs.readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // the front: vgg11 conv1, resnet18 conv1, vgg11 maxpool2, maxpool3, maxpool4, resnet18 layer4 (layer1 and classifier are dominated)
    expect(r.out).toBe([
      'Pareto front of synthparts (6 of 8 rows):', '',
      'Model     Stage     Patch % of Image  Top-1  Top-5',
      '--------  --------  ----------------  -----  -----',
      'vgg11     conv1                0.215  0.310  0.620',
      'resnet18  conv1                  1.1  0.360  0.700',
      'vgg11     maxpool2              2.26  0.450  0.800',
      'vgg11     maxpool3              17.1  0.580  0.900',
      'vgg11     maxpool4              63.5  0.710  0.950',
      'resnet18  layer4                 100  0.740  0.970', '',
    ].join('\n'));
    expect(r.err).toMatch(/sweep.csv:10: resnet18 layer3 on synthparts did not run \(out of memory: needs 1.3 GB\): left out of the analysis/);
    expect(r.err).toMatch(/Analysed 8 rows of 1 CSV: sweep_scatter.svg, .* in .*analysis/);

    const pareto = fs.readFileSync(path.join(out, 'sweep_pareto.svg'), 'utf8');
    expect(pareto).toContain('Mean Receptive Field Size (%)');
    expect(pareto).toContain('Test Accuracy');
    const texts = [...pareto.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const [stage, n] of [['conv1', 2], ['maxpool2', 1], ['maxpool3', 1], ['maxpool4', 1], ['layer4', 1], ['layer1', 0], ['classifier', 0]] as const) {
      expect(texts.filter((t) => t === stage)).toHaveLength(n);
    }
    const scatter = fs.readFileSync(path.join(out, 'sweep_scatter.svg'), 'utf8');
    expect(scatter).toContain('Patch % of Image (mean receptive field, log scale)');
    expect((await sharp(path.join(out, 'sweep_pareto.png')).metadata()).format).toBe('png');
    expect(fs.readFileSync(path.join(out, 'pareto_front.md'), 'utf8')).toContain('| vgg11 | maxpool4 | 63.5 | 0.710 | 0.950 |');
    expect(fs.readFileSync(path.join(out, 'pareto_front.tex'), 'utf8')).toContain('resnet18 & layer4 & 100 & 0.740 & 0.970 \\\\');
    const rows = JSON.parse(fs.readFileSync(path.join(out, 'sweep_rows.json'), 'utf8')) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(9);
    expect(rows[8]).toMatchObject({ model: 'resnet18', stageName: 'layer3', paretoRank: null, note: 'out of memory: needs 1.3 GB' });
  });

  it('--json prints every row with its patchPct and paretoRank, computing patch % for the reference\'s CSVs', async () => {
    const ref = write('hackjob_results.csv', [
      'Test Accuracy Epoch,Test Accuracy Top5 Epoch,Dataset,Height,Width,Stage #,Stage Name,Model',
      '0.8,0.97,imagenette,64,64,16,maxpool4,vgg11',
      '0.6,0.90,imagenette,64,64,2,norm0,densenet121',
      '0.7,0.93,imagenette,64,64,13,norm5,densenet121',
    ].join('\n'));
    const r = await run(ref, '--json');
    expect(r.error).toBeUndefined();
    const rows = JSON.parse(r.out) as Array<{ model: string; stageName: string; patchPct: number; paretoRank: number; stageNorm: number }>;
    expect(rows.map((x) => [x.model, x.stageName, x.paretoRank, x.stageNorm])).toEqual([
      ['densenet121', 'norm0', 1, 0], ['densenet121', 'norm5', 2, 1], ['vgg11', 'maxpool4', 1, 0],
    ]);
    expect(rows[0]!.patchPct).toBeCloseTo(1.1, 1);
    expect(rows[1]!.patchPct).toBe(100);
    expect(rows[2]!.patchPct).toBeCloseTo(63.5, 1);
  });

  it('stops with a clear error on bad input, before writing anything', async () => {
    const out = path.join(dir, 'nothing');
    const empty = write('empty.csv', '');
    expect((await run(empty, '--out', out)).error?.message).toMatch(/empty.csv is empty: a sweep CSV \(written by pixpnet sweep\) starts with the header Model, Stage #/);
    const other = write('metrics.csv', 'epoch,step,train_total_loss\n0,1,2.3\n');
    const good = write('good.csv', [HEADER, ...ROWS].join('\n'));
    const e = (await run(good, other, '--out', out)).error?.message;
    expect(e).toMatch(/metrics.csv is not a sweep CSV: a sweep CSV needs the columns 'Model', 'Stage #', 'Stage Name', 'Dataset', 'Height', 'Width', 'Test Accuracy Epoch', 'Test Accuracy Top5 Epoch', missing from its header \('epoch', 'step', 'train_total_loss'\)/);
    expect((await run(path.join(dir, 'nope.csv'), '--out', out)).error?.message).toMatch(/No such file: .*nope.csv/);
    const header = write('header.csv', HEADER + '\n');
    expect((await run(header, '--out', out)).error?.message).toMatch(/No row with a test accuracy in .*header.csv: nothing to analyse/);
    expect((await run(good)).error?.message).toBe('pixpnet sweep analyze needs --out DIR (where the figures and tables go), or --json to print the rows.');
    expect(fs.existsSync(out)).toBe(false);
    // commander: at least one CSV
    expect((await run('--out', out)).error?.message).toMatch(/missing required argument 'csv'/);
  });
});
