/** `pixpnet sweep` as a user runs it (the built binary): a tiny sweep, its resume, the sbatch script, merge and analyze. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSweepCsv } from '@pixpnet/train';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/pixpnet.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-sweep-'));
const pixpnet = (args: string[], cwd = tmp) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, PIXPNET_LOG_LEVEL: 'INFO' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const tiny = ['--models', 'vgg_nano_bn', '--stages', 'maxpool1,classifier', '--dataset', 'SYNTHPARTS', '--dataset-root', path.join(tmp, 'data'), '--input-size', '32',
  '--epochs', '1', '--batch-size', '8', '--no-pretrained', '--no-augment', '--debug'];

beforeAll(() => {
  const r = pixpnet(['data', 'synth', '--out', path.join(tmp, 'data', 'synthparts'), '--classes', '3', '--per-class', '8', '--size', '32']);
  expect(r.code).toBe(0);
});

describe('pixpnet sweep (end to end)', () => {
  it('writes one row per (model, stage), resumes without redoing a row, and refuses bad input before any work', () => {
    const out = path.join(tmp, 'one', 'sweep.csv');
    const r = pixpnet(['sweep', ...tiny, '--out', out]);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').pop()).toBe(out);
    const rows = readSweepCsv(out);
    expect(rows.map((x) => [x.Model, x['Stage #'], x['Stage Name'], x.Dataset, x.Height, x.Pretrained, x.Note])).toEqual([
      ['vgg_nano_bn', '4', 'maxpool1', 'synthparts', '32', 'no', ''], ['vgg_nano_bn', '24', 'classifier', 'synthparts', '32', 'no', ''],
    ]);
    expect(fs.existsSync(`${out}.sweep.json`)).toBe(true);
    const again = pixpnet(['sweep', ...tiny, '--out', out]);
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/2 row\(s\) already in .* skipped \(resuming\)/);
    const bad = pixpnet(['sweep', ...tiny, '--models', 'alexnet', '--out', path.join(tmp, 'bad', 'x.csv')]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--models alexnet: no zoo model's name contains any of them/);
    expect(fs.existsSync(path.join(tmp, 'bad'))).toBe(false);
    const other = pixpnet(['sweep', ...tiny, '--epochs', '2', '--out', out]);
    expect(other.err).toMatch(/holds sweep .*, not this one/);
  }, 300_000);

  it('prints a Slurm array script for the same sweep; shards merge into the whole sweep', () => {
    const dir = path.join(tmp, 'cluster');
    const s = pixpnet(['sweep', ...tiny, '--emit-sbatch', '--array-size', '2', '--partition', 'debug', '--out', path.join(dir, 'sweep.csv')]);
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/^#SBATCH --array=0-1$/m);
    expect(s.out).toMatch(/ sweep --models vgg_nano_bn --stages maxpool1,classifier .*--no-pretrained --debug --no-augment --out .*cluster\/shard-\$\{SLURM_ARRAY_TASK_ID\}\.csv$/m);
    expect(fs.existsSync(dir)).toBe(true); // Slurm opens the tasks' log files there before they start
    for (const i of [0, 1]) expect(pixpnet(['sweep', ...tiny, '--shard', `${i}/2`, '--out', path.join(dir, `shard-${i}.csv`)]).code).toBe(0);
    const m = pixpnet(['sweep', 'merge', path.join(dir, 'sweep.csv'), path.join(dir, 'shard-1.csv'), path.join(dir, 'shard-0.csv')]);
    expect(m.code).toBe(0);
    const rows = readSweepCsv(path.join(dir, 'sweep.csv'));
    const single = readSweepCsv(path.join(tmp, 'one', 'sweep.csv'));
    const strip = (xs: typeof rows) => xs.map(({ 'Train Seconds': _t, ...rest }) => rest);
    expect(strip(rows)).toEqual(strip(single)); // the same numbers, whichever process ran a row
    const lone = pixpnet(['sweep', 'merge', path.join(dir, 'm.csv'), path.join(dir, 'shard-0.csv')]);
    expect(lone.err).toMatch(/1 row\(s\) of the sweep are in no shard/);
  }, 300_000);

  it('one owner per sweep CSV: a second sweep on it is refused, naming the owner; analyze and merge refuse rows written twice', async () => {
    const out = path.join(tmp, 'race', 'sweep.csv');
    const first = spawn(process.execPath, [bin, 'sweep', ...tiny, '--out', out], { cwd: tmp, stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => first.on('exit', (c) => r(c)));
    while (!fs.existsSync(`${out}.lock`)) await new Promise((r) => setTimeout(r, 5));
    first.kill('SIGSTOP'); // holding the lock, mid-sweep
    const second = pixpnet(['sweep', ...tiny, '--out', out]);
    first.kill('SIGCONT');
    expect(second.code).not.toBe(0);
    expect(second.err).toContain(`The sweep CSV ${out} is in use by process ${first.pid}`);
    expect(second.err).toContain(`Its lock is ${out}.lock: if no such process is running (check with: ps -p ${first.pid}), delete ${out}.lock`);
    expect(await exited).toBe(0);
    const rows = readSweepCsv(out);
    expect(rows.map((x) => x['Stage Name'])).toEqual(['maxpool1', 'classifier']); // each row once
    expect(fs.existsSync(`${out}.lock`)).toBe(false);
    // what two unlocked sweeps used to leave: every row twice
    const text = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
    const twice = path.join(tmp, 'race', 'twice.csv');
    fs.writeFileSync(twice, [...text, ...text.slice(1)].join('\n') + '\n');
    fs.copyFileSync(`${out}.sweep.json`, `${twice}.sweep.json`);
    const a = pixpnet(['sweep', 'analyze', twice, '--out', path.join(tmp, 'race', 'analysis')]);
    expect(a.code).not.toBe(0);
    expect(a.err).toMatch(/2 row\(s\) of the same sweep settings come more than once — vgg_nano_bn maxpool1 on synthparts at 32x32 \(sweep \w+, pretrained no\): .*twice\.csv:2, .*twice\.csv:4;/);
    expect(fs.existsSync(path.join(tmp, 'race', 'analysis'))).toBe(false);
    const m = pixpnet(['sweep', 'merge', path.join(tmp, 'race', 'm.csv'), twice]);
    expect(m.err).toMatch(/vgg_nano_bn\/maxpool1 is twice in .*twice\.csv: two sweeps wrote that CSV at once/);
    const m2 = pixpnet(['sweep', 'merge', path.join(tmp, 'race', 'm.csv'), out, out]);
    expect(m2.err).toMatch(/sweep\.csv is given twice; give each shard CSV once/);
  }, 300_000);

  it('analyze: the scatter and the Pareto front of a sweep', () => {
    const out = path.join(tmp, 'analysis');
    const r = pixpnet(['sweep', 'analyze', path.join(tmp, 'one', 'sweep.csv'), '--out', out]);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    for (const f of ['sweep_scatter.svg', 'sweep_scatter.png', 'sweep_pareto.svg', 'sweep_pareto.png', 'pareto_front.md', 'pareto_front.tex']) {
      expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    }
    expect(fs.readFileSync(path.join(out, 'sweep_pareto.svg'), 'utf8')).toMatch(/Mean Receptive Field Size \(%\)/);
  }, 300_000);
});
