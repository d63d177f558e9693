/**
 * Where the commands read and write, in-process (`runMain`): a run id that is not one folder name, output folders
 * that are symbolic links (followed; dangling ones, links to files and a run's folders linked out of the run are
 * refused before any work), and dataset lists that name images outside the dataset folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runMain as run } from './main.testkit.js';
import { openRunDataset } from './run_data.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const config = path.resolve(here, '../../../configs/protonets/proto-synthparts-dummy.yaml');
const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-paths-')));
const at = (...p: string[]) => path.join(tmp, ...p);

afterEach(() => vi.restoreAllMocks());

describe('--run-id', () => {
  it('refuses a run id with a path separator or .. (flag or config key) before any work, naming where it came from', async () => {
    const logs = at('runid-logs');
    for (const id of ['../../x', '..', 'a/b', 'a\\b']) {
      const r = await run('train', '-c', config, '--log-dir', logs, '--dataset.root', at('runid-data'), '--run-id', id);
      expect(r.code, id).toBe(1);
      expect(r.err).toContain(`--run-id ${JSON.stringify(id)} cannot be part of the run directory's name (<log-dir>/<dataset>__<run-id>/…)`);
      expect(r.err).toMatch(/Give a single folder name: no '\/', '\\'/);
    }
    const file = at('runid.yaml');
    fs.writeFileSync(file, `${fs.readFileSync(config, 'utf8')}\nrun-id: ../../escape\n`);
    const r = await run('train', '-c', file, '--log-dir', logs, '--dataset.root', at('runid-data'));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`'run-id' in ${file} "../../escape" cannot be part of the run directory's name`);
    expect(r.err).not.toMatch(/Backend/); // refused before the engine started
    for (const d of ['runid-logs', 'runid-data', 'escape', '../escape']) expect(fs.existsSync(at(d)), d).toBe(false);
  });
});

describe('output folders that are symbolic links', () => {
  const fakeRun = at('fake-run'); // (a folder is enough: every refusal comes before the run is loaded)
  const target = at('target');
  beforeAll(() => {
    fs.mkdirSync(path.join(fakeRun, 'results'), { recursive: true });
    fs.mkdirSync(target);
    fs.symlinkSync(at('nowhere'), at('dangling'));
    fs.writeFileSync(at('a-file'), 'x');
    fs.symlinkSync(at('a-file'), at('to-file'));
    fs.symlinkSync(target, at('to-target'));
  });

  it('a link to a folder writes into that folder: data synth --out LINK', async () => {
    const r = await run('data', 'synth', '--out', at('to-target'), '--classes', '2', '--per-class', '2', '--size', '24');
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(path.join(target, 'CUB_200_2011'));
    expect(fs.existsSync(path.join(target, 'CUB_200_2011', 'images.txt'))).toBe(true);
    expect(fs.lstatSync(at('to-target')).isSymbolicLink()).toBe(true);
  });

  it('a dangling link or a link to a file is refused before any work by every command that writes, naming it', async () => {
    const csv = at('sweep.csv');
    fs.writeFileSync(csv, 'Model\n');
    for (const [bad, message] of [
      [at('dangling'), /dangling is a symbolic link to .*nowhere, which does not exist: create that folder, or remove the link/],
      [at('to-file'), /to-file is a symbolic link to the file .*a-file, not a folder/],
    ] as const) {
      const cases: string[][] = [
        ['data', 'synth', '--out', bad],
        ['train', '-c', config, '--log-dir', bad, '--dataset.root', at('never-data')],
        ['export', fakeRun, '--out', bad],
        ['explain', fakeRun, '--out', bad],
        ['prototypes', fakeRun, '--out', bad],
        ['sweep', 'analyze', csv, '--out', bad],
      ];
      for (const args of cases) {
        const r = await run(...args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.err, args.join(' ')).toMatch(message);
        expect(r.err).not.toMatch(/Backend/); // before the engine started
      }
      const sweep = await run('sweep', '--models', 'vgg_nano', '--dataset', 'SYNTHPARTS', '--dataset-root', at('never-data'), '--out', path.join(bad, 'sweep.csv'));
      expect(sweep.code).toBe(1);
      expect(sweep.err).toMatch(/The folder of --out .*sweep\.csv/);
      expect(sweep.err).toMatch(message);
      const merge = await run('sweep', 'merge', path.join(bad, 'merged.csv'), csv);
      expect(merge.code).toBe(1);
      expect(merge.err).toMatch(message);
    }
    expect(fs.existsSync(at('nowhere'))).toBe(false);
    expect(fs.existsSync(at('never-data'))).toBe(false);
    expect(fs.readFileSync(at('a-file'), 'utf8')).toBe('x');
  });

  it("a run's default output folder or results folder linked out of the run is refused, naming the link and --out", async () => {
    const away = at('away');
    fs.mkdirSync(away);
    for (const [cmd, folder] of [['export', 'export'], ['explain', 'explanations'], ['prototypes', 'prototypes']]) {
      fs.symlinkSync(away, path.join(fakeRun, folder));
      const r = await run(cmd!, fakeRun);
      expect(r.code, cmd).toBe(1);
      expect(r.err).toContain(`The default --out folder ${path.join(fakeRun, folder)} leads out of the run directory ${fakeRun} (a symbolic link to ${away}): ` +
        `a run's own folders stay inside it. Remove the link, or give --out ${away} to write there.`);
    }
    fs.symlinkSync(away, path.join(fakeRun, 'report'));
    const rep = await run('report', fakeRun);
    expect(rep.code).toBe(1);
    expect(rep.err).toContain(`The report folder ${path.join(fakeRun, 'report')} leads out of the run directory ${fakeRun} (a symbolic link to ${away})`);
    fs.rmSync(path.join(fakeRun, 'results'), { recursive: true });
    fs.symlinkSync(away, path.join(fakeRun, 'results'));
    const r = await run('evaluate', fakeRun);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`The run's results folder ${path.join(fakeRun, 'results')} leads out of the run directory`);
    expect(r.err).not.toMatch(/Backend/);
    expect(fs.readdirSync(away)).toEqual([]);
  });

  it('a run directory given as a dangling link is refused, naming it', async () => {
    for (const args of [['evaluate', at('dangling')], ['export', at('dangling')], ['train', '--resume', at('dangling')]]) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(/dangling is a symbolic link to .*nowhere, which does not exist: give the run directory itself, or fix the link/);
    }
  });
});

describe("images listed outside the dataset folder", () => {
  const root = at('outside-data');
  const cub = path.join(root, 'synthparts', 'CUB_200_2011');
  beforeAll(async () => {
    const r = await run('data', 'synth', '--out', path.join(root, 'synthparts'), '--classes', '10', '--per-class', '2', '--size', '24');
    expect(r.code).toBe(0);
    // line 3 of images.txt names an image beside the data root
    const list = path.join(cub, 'images.txt');
    const lines = fs.readFileSync(list, 'utf8').split('\n');
    const [id, rel] = lines[2]!.split(' ');
    fs.copyFileSync(path.join(cub, 'images', rel!), at('stray.png'));
    lines[2] = `${id} ../../../../stray.png`;
    fs.writeFileSync(list, lines.join('\n'));
  });

  it('pixpnet train refuses an images.txt line with ../ that leaves the dataset folder, naming the file and line, before a run directory exists', async () => {
    const logs = at('outside-logs');
    const r = await run('train', '-c', config, '--dataset.root', root, '--log-dir', logs);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${path.join(cub, 'images.txt')}:3: the image '../../../../stray.png' is outside the dataset folder (${at('stray.png')} is not in ${cub}): ` +
      'list the image by its path inside the dataset folder, or, if you keep images elsewhere on purpose, allow it: --dataset.allow-outside-root');
    expect(fs.existsSync(path.join(logs, 'synthparts'))).toBe(false);
  }, 120_000);

  it('pixpnet train --dataset.allow-outside-root reads it and trains', async () => {
    const logs = at('outside-allowed-logs');
    const r = await run('train', '-c', config, '--dataset.root', root, '--log-dir', logs, '--dataset.allow-outside-root',
      '--train.batch-size', '4', '--test.batch-size', '4', '--eval.no-interpretability');
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(path.join(logs, 'synthparts', 'protonet'))).toHaveLength(1);
  }, 120_000);

  it("the commands reading a run reopen its dataset with the run's dataset.allow-outside-root", async () => {
    const c = { 'dataset.name': 'SYNTHPARTS', 'dataset.root': root };
    await expect(openRunDataset(c, false)).rejects.toThrow(/images\.txt:3: the image '\.\.\/\.\.\/\.\.\/\.\.\/stray\.png' is outside the dataset folder/);
    const ds = await openRunDataset({ ...c, 'dataset.allow-outside-root': true }, false);
    expect(ds.index.samples.find((s) => s.id === 3)!.path).toBe(at('stray.png'));
  });

  it('pixpnet sweep takes --dataset-allow-outside-root (also in its config file) and passes it on to the array tasks', async () => {
    const sweepYaml = at('sweep.yaml');
    fs.writeFileSync(sweepYaml, 'dataset-allow-outside-root: true\n');
    for (const args of [['--dataset-allow-outside-root'], ['-c', sweepYaml]]) {
      const r = await run('sweep', '--models', 'vgg_nano', '--dataset', 'SYNTHPARTS', '--dataset-root', root, ...args, '--emit-sbatch', '--out', at('sbatch', 'sweep.csv'));
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toMatch(/ --dataset-allow-outside-root /);
    }
    const without = await run('sweep', '--models', 'vgg_nano', '--dataset', 'SYNTHPARTS', '--dataset-root', root, '--emit-sbatch', '--out', at('sbatch', 'sweep.csv'));
    expect(without.out).not.toMatch(/allow-outside-root/);
  });
});
