/**
 * End to end: `pixpnet experiment` on seconds-long configs (2 configs × 2 seeds) as a user runs it — the tables, the
 * figure and the report; killed in the middle and run again, it keeps the rows done and finishes the others; a bad
 * experiment file is refused before any work.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/pixpnet.js');
const dummy = path.resolve(here, '../../../configs/protonets/proto-synthparts-dummy.yaml');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-experiment-'));
const data = path.join(tmp, 'data');

function pixpnet(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** An experiment file of two tiny configs on the tiny dataset. */
function experimentFile(name: string, extra = ''): string {
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(file, `name: ${name}
seeds: [1, 2]
options:
  dataset.root: ${data}
  train.epochs: 1
  debug: true
evaluate:
  rot.steps: 3
  rot.num-samples: 4
configs:
  pixpnet:
    config: ${dummy}
    mapping: bbox
  protopnet:
    config: ${dummy}
    mapping: upsample
    options:
      model.feature-layer: maxpool4
${extra}`);
  return file;
}

const csv = (file: string) => parse(fs.readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;

beforeAll(() => {
  expect(pixpnet(['data', 'synth', '--out', path.join(data, 'synthparts'), '--classes', '10', '--per-class', '10']).code).toBe(0);
}, 120_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('pixpnet experiment (end to end)', () => {
  it('refuses a bad experiment file before any work, naming the file and the problem', () => {
    const bad = path.join(tmp, 'bad.yaml');
    const out = path.join(tmp, 'bad-out');
    for (const [text, why] of [
      ['seeds: [1]\nconfigs: {a: {config: nowhere.yaml, mapping: bbox}}\n', /config 'a': Config nowhere\.yaml is neither a file nor a built-in config/],
      [`seeds: [1]\nconfigs: {a: {config: ${dummy}, mapping: pixels}}\n`, /'configs\.a\.mapping' must be one of "bbox", "upsample", got "pixels"/],
      [`seeds: [1]\nconfigs: {a: {config: ${dummy}, mapping: bbox, options: {train.epoch: 3}}}\n`, /config 'a' .* with seed 1: Invalid configuration .*unknown option 'train\.epoch'/],
      [`seeds: [1]\nevaluate: {rot.stepz: 3}\nconfigs: {a: {config: ${dummy}, mapping: bbox}}\n`, /unknown evaluate option\(s\) rot\.stepz/],
      ['seeds: []\nconfigs: {}\n', /'seeds' must NOT have fewer than 1 items/],
    ] as const) {
      fs.writeFileSync(bad, text);
      const r = pixpnet(['experiment', '-c', bad, '--out', out]);
      expect(r.code, text).not.toBe(0);
      expect(r.err).toMatch(why);
      expect(r.err).toContain(bad);
      expect(fs.existsSync(out)).toBe(false);
    }
  }, 120_000);

  it('killed in the middle and run again: keeps the rows done, finishes the rest; tables, figure and report', async () => {
    const file = experimentFile('two-by-two');
    const out = path.join(tmp, 'out');
    // kill it once the first row is done and the second has started training
    const child = spawn(process.execPath, [bin, 'experiment', '-c', file, '--out', out], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    const second = path.join(out, 'runs', 'pixpnet', 'seed-2');
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (fs.existsSync(path.join(out, 'rows', 'pixpnet__seed-1.json')) && fs.existsSync(second)) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => { clearInterval(timer); reject(new Error('the experiment ended before it could be killed')); });
    });
    await exited;
    const firstRow = fs.readFileSync(path.join(out, 'rows', 'pixpnet__seed-1.json'), 'utf8');
    expect(csv(path.join(out, 'runs.csv'))).toHaveLength(1); // the tables follow every finished row

    const r = pixpnet(['experiment', '-c', file, '--out', out]);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/row 1\/4: pixpnet seed 1: already done \(resuming\)/);
    expect(fs.readFileSync(path.join(out, 'rows', 'pixpnet__seed-1.json'), 'utf8')).toBe(firstRow);
    expect(r.out).toMatch(/^pixpnet\s+bbox\s+2\s+\d\.\d{3} ± \d\.\d{3}/m);
    expect(r.out).toMatch(/^protopnet\s+upsample\s+2\s+/m);

    const runs = csv(path.join(out, 'runs.csv'));
    expect(runs.map((x) => [x['config'], x['seed'], x['mapping']])).toEqual([['pixpnet', '1', 'bbox'], ['pixpnet', '2', 'bbox'], ['protopnet', '1', 'upsample'], ['protopnet', '2', 'upsample']]);
    for (const x of runs) {
      for (const c of ['accuracy', 'consistency_soft', 'stability_soft', 'consistency_soft_bbox', 'consistency_soft_upsample', 'rot_pct_rf']) {
        expect(Number(x[c]), `${x['config']} ${x['seed']} ${c}`).toBeGreaterThanOrEqual(0);
        expect(Number(x[c])).toBeLessThanOrEqual(1);
      }
      for (const m of ['rf', 'upsample', 'prp', 'random']) expect(Number.isFinite(Number(x[`rot_area_${m}`])), m).toBe(true); // (a curve may dip below its start)
      expect(x['consistency_soft']).toBe(x[`consistency_soft_${x['mapping']}`]); // the config's own mapping
    }
    const summary = csv(path.join(out, 'summary.csv'));
    expect(summary.map((s) => [s['config'], s['seeds']])).toEqual([['pixpnet', '2'], ['protopnet', '2']]);
    for (const col of ['config', 'seeds', 'accuracy_mean', 'accuracy_sd', 'consistency_soft_mean', 'consistency_soft_sd', 'stability_soft_mean', 'part_correctness_mean', 'rot_area_rf_mean', 'rot_area_upsample_mean']) {
      expect(Object.keys(summary[0]!)).toContain(col);
    }
    const acc = runs.filter((x) => x['config'] === 'pixpnet').map((x) => Number(x['accuracy']));
    expect(Number(summary[0]!['accuracy_mean'])).toBeCloseTo((acc[0]! + acc[1]!) / 2, 5);
    expect(Number(summary[0]!['accuracy_sd'])).toBeCloseTo(Math.abs(acc[0]! - acc[1]!) / Math.SQRT2, 5);
    expect(fs.statSync(path.join(out, 'experiment.png')).size).toBeGreaterThan(10_000);
    expect(fs.readFileSync(path.join(out, 'experiment.svg'), 'utf8')).toMatch(/^<svg/);

    // the same folder with other settings of a config: refused before any work, naming the rows
    const changed = file;
    fs.writeFileSync(changed, fs.readFileSync(changed, 'utf8').replace('train.epochs: 1', 'train.epochs: 2'));
    const again = pixpnet(['experiment', '-c', changed, '--out', out]);
    expect(again.code).not.toBe(0);
    expect(again.err).toMatch(/holds 4 row\(s\) computed with other settings of the same config \(pixpnet__seed-1\.json, pixpnet__seed-2\.json, protopnet__seed-1\.json, protopnet__seed-2\.json\)/);
    fs.writeFileSync(changed, fs.readFileSync(changed, 'utf8').replace('train.epochs: 2', 'train.epochs: 1'));

    const rep = pixpnet(['report', out]);
    expect(rep.code, rep.err).toBe(0);
    const html = fs.readFileSync(path.join(out, 'report', 'index.html'), 'utf8');
    expect(html).toContain('Content-Security-Policy');
    expect(html).toMatch(/<th scope="row">protopnet<\/th><td>upsample<\/td><td>2<\/td><td>\d\.\d{3} ± \d\.\d{3}<\/td>/);
    expect(html).toContain('<svg');
  }, 600_000);
});
