import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLogSink } from '@pixpnet/engine';
import { renderRotPlot } from '../rot/plot.js';
import { readRunRotFigure, runRotFigureSvg } from './rot_figure.js';

const xPct = [0, 25, 50, 75, 100];
const curve = (method: string, agg: Array<number | null> = [0.2, 0.5, 0.7, 0.8, 0.9]) => ({ key: `k-${method}`, identity: {}, result: { params: { method }, xPct, agg, steps: xPct } });

describe('readRunRotFigure / runRotFigureSvg: the ROT figure from the cached numbers of a run', () => {
  let results = '';
  let warnings: string[] = [];
  let restore: (line: string) => void = () => undefined;
  beforeEach(() => {
    results = fs.mkdtempSync(path.join(os.tmpdir(), 'rot-figure-'));
    fs.mkdirSync(path.join(results, 'rot'));
    warnings = [];
    restore = setLogSink((line) => { if (line.includes('[WARNING]')) warnings.push(line); });
  });
  afterEach(() => {
    setLogSink(restore);
    fs.rmSync(results, { recursive: true, force: true });
  });

  const write = (name: string, body: unknown) => fs.writeFileSync(path.join(results, 'rot', name), typeof body === 'string' ? body : JSON.stringify(body));
  const record = (rot: Record<string, unknown>, parameters: Record<string, unknown> = { dataset: 'SYNTHPARTS', split: 'test' }) => ({ parameters, rot });

  it('draws the same figure as pixpnet evaluate (labels from the method registry, nulls left out)', async () => {
    write('rf.json', curve('rf'));
    write('random.json', curve('random', [0.2, null, 0.3, 0.4, 0.9]));
    const fig = readRunRotFigure(results, record({ rf: { area: 0.8, file: 'rot/rf.json' }, random: { area: 0.2, file: path.join('rot', 'random.json') } }));
    expect(fig!.title).toBe('Relevance ordering test — SYNTHPARTS test');
    expect(fig!.curves.map((c) => c.label)).toEqual(['Ours', 'Random']);
    expect(Number.isNaN(fig!.curves[1]!.y[1])).toBe(true);
    const svg = await runRotFigureSvg(fig!, 17.1);
    expect(svg).toBe((await renderRotPlot(fig!.curves, 17.1, fig!.title)).svg);
    expect(svg).toContain('Ours');
    expect(warnings).toEqual([]);
  });

  it('leaves out, with a warning, a method that is not a registered heat map and a curves file that is gone; no curve: no figure', () => {
    write('rf.json', curve('rf'));
    const evil = '<img src=x onerror="window.pwned=1">';
    const fig = readRunRotFigure(results, record({ [evil]: { file: 'rot/rf.json' }, rf: { file: 'rot/rf.json' }, upsample: { file: 'rot/gone.json' } }));
    expect(fig!.curves.map((c) => c.label)).toEqual(['Ours']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`${path.join(results, 'interpretability.yaml')}: rot.${JSON.stringify(evil)} is not a known heat-map method`);
    expect(warnings[1]).toContain(`${path.join(results, 'rot', 'gone.json')}, the ROT curves of upsample, is missing`);
    expect(readRunRotFigure(results, record({ upsample: { file: 'rot/gone.json' } }))).toBeUndefined();
    expect(readRunRotFigure(results, { parameters: {} })).toBeUndefined();
  });

  it('escapes text of the run that reaches the figure (its title)', async () => {
    write('rf.json', curve('rf'));
    const fig = readRunRotFigure(results, record({ rf: { file: 'rot/rf.json' } }, { dataset: '<script>window.pwned=1</script>', split: '<img src=x onerror=alert(1)>' }));
    const svg = await runRotFigureSvg(fig!, 20);
    expect(svg).not.toMatch(/<script|<img/i);
    expect(svg).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt;');
    expect(readRunRotFigure(results, record({ rf: { file: 'rot/rf.json' } }, { dataset: 7 }))!.title).toBeUndefined();
  });

  it('refuses a damaged record or cache file, naming the file and the fix', () => {
    const yaml = path.join(results, 'interpretability.yaml');
    const fix = 'restore it, or delete it to leave it out of the report.';
    const err = (rec: unknown) => { try { readRunRotFigure(results, rec); } catch (e) { return (e as Error).message; } return 'no error'; };
    expect(err('<script>')).toBe(`${yaml} is not an interpretability record (not a mapping): ${fix}`);
    expect(err({ rot: [1, 2] })).toContain(`${yaml} is not an interpretability record (rot is not a mapping of heat-map methods)`);
    expect(err(record({ rf: 'x' }))).toContain(`${yaml} is not an interpretability record (rot.rf is not a mapping)`);
    // only files inside results/rot/ are read
    fs.writeFileSync(path.join(results, 'outside.json'), JSON.stringify(curve('rf')));
    for (const file of ['outside.json', 'rot/../outside.json', '/etc/passwd', path.join(results, 'outside.json'), 'rot/rf.txt', 7]) {
      expect(err(record({ rf: { file } }))).toBe(`${yaml} is not an interpretability record (rot.rf.file is not a .json file in ${path.join(results, 'rot')}): ${fix}`);
    }
    const bad = (body: unknown) => { write('rf.json', body); return err(record({ rf: { file: 'rot/rf.json' } })); };
    const named = `${path.join(results, 'rot', 'rf.json')} is not a readable ROT result`;
    expect(bad('{"result": ')).toMatch(new RegExp(`^${named.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(.*\\): ${fix}$`));
    expect(bad({ result: 1 })).toBe(`${named} (no result object): ${fix}`);
    expect(bad(curve('upsample'))).toBe(`${named} (it does not hold the ROT of the heat map rf): ${fix}`);
    expect(bad({ result: { params: { method: 'rf' }, xPct: [], agg: [] } })).toBe(`${named} (xPct is not a non-empty list): ${fix}`);
    expect(bad({ result: { params: { method: 'rf' }, xPct: [0, 50], agg: [1] } })).toBe(`${named} (agg is not a list as long as xPct (2)): ${fix}`);
    expect(bad({ result: { params: { method: 'rf' }, xPct: [0, 150], agg: [1, 2] } })).toBe(`${named} (xPct[1] is not a % of pixels between 0 and 100): ${fix}`);
    expect(bad({ result: { params: { method: 'rf' }, xPct: [0, '<b>'], agg: [1, 2] } })).toBe(`${named} (xPct[1] is not a % of pixels between 0 and 100): ${fix}`);
    expect(bad({ result: { params: { method: 'rf' }, xPct: [0, 100], agg: [1, '<script>'] } })).toBe(`${named} (agg[1] is neither a finite number nor null): ${fix}`);
  });

  it('refuses a mean receptive field that is not a %', async () => {
    await expect(runRotFigureSvg({ curves: [] }, Number.NaN)).rejects.toThrow('The mean receptive field must be a % between 0 and 100, got NaN.');
  });
});
