/**
 * End to end: a run directory is untrusted input. Crafted files — a pointer to `/dev/zero` or `/etc/passwd`, a
 * configuration linked to `/dev/zero`, a FIFO as the checkpoint, empty or ill-shaped YAML — make the reading
 * commands stop at once with an error naming the file (and the field), never hang or fail with a JavaScript error.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/pixpnet.js');
const config = path.resolve(here, '../../../configs/protonets/proto-synthparts-dummy.yaml');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-crafted-'));
const unix = process.platform !== 'win32';

/** Runs the CLI; a hang (more than a minute) fails the test instead of blocking the suite. */
function pixpnet(args: string[]): { code: number | null; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  if (r.error) throw new Error(`pixpnet ${args.join(' ')}: ${r.error.message} (it hung)`);
  return { code: r.status, err: r.stderr };
}

let run = '';
let n = 0;
/** A copy of the finished run to tamper with. */
const copy = () => {
  const d = path.join(tmp, `copy${n++}`);
  fs.cpSync(run, d, { recursive: true });
  return d;
};
const results = (d: string) => path.join(d, 'results');
const ckptDir = (d: string) => path.join(d, 'csv', 'version_0', 'checkpoints');

beforeAll(() => {
  expect(spawnSync(process.execPath, [bin, 'data', 'synth', '--out', path.join(tmp, 'data', 'synthparts'), '--classes', '10', '--per-class', '10']).status).toBe(0);
  const r = spawnSync(process.execPath, [bin, 'train', '-c', config, '--dataset.root', path.join(tmp, 'data'), '--log-dir', path.join(tmp, 'logs'), '--eval.no-interpretability'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  // the model kept is the one after the push: its validation accuracy is said too
  expect(r.stderr).toMatch(/\[INFO\] epoch 2\/2: validation after the push: loss \d\.\d{3}, accuracy \d\.\d{3}/);
  const base = path.join(tmp, 'logs', 'synthparts', 'protonet');
  run = path.join(base, fs.readdirSync(base)[0]!);
}, 300_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('a crafted run directory', () => {
  it('best_model_path.txt naming /dev/zero or /etc/passwd: refused as outside the run, no claim that it cannot be resumed', () => {
    for (const target of ['/dev/zero', '/etc/passwd']) {
      const d = copy();
      fs.writeFileSync(path.join(results(d), 'best_model_path.txt'), target);
      const r = pixpnet(['export', d]);
      expect(r.code).not.toBe(0);
      expect(r.err).toContain(`best_model_path.txt names ${target}, outside the run directory ${d}: a run's checkpoint is inside it, so it is not read.`);
      expect(r.err).not.toMatch(/cannot be resumed/);
    }
  }, 120_000);

  it.skipIf(!unix)('results/config.yaml linked to /dev/zero, and a FIFO as the checkpoint: refused at once', () => {
    const d = copy();
    fs.rmSync(path.join(results(d), 'config.yaml'));
    fs.symlinkSync('/dev/zero', path.join(results(d), 'config.yaml'));
    const r = pixpnet(['evaluate', d, '--rot.steps', '3']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/config\.yaml should be a YAML file of the run, but it is a character device: it is not read\. It records the run's configuration/);

    const e = copy();
    const [ck] = fs.readdirSync(ckptDir(e));
    fs.rmSync(path.join(ckptDir(e), ck!));
    spawnSync('mkfifo', [path.join(ckptDir(e), ck!)]);
    const f = pixpnet(['export', e]);
    expect(f.code).not.toBe(0);
    expect(f.err).toMatch(new RegExp(`${ck!.replace(/[.=]/g, '\\$&')} should be a PixPNet checkpoint, but it is a FIFO \\(named pipe\\): it is not read`));
  }, 120_000);

  it('an empty scores.yaml, and one of the wrong shape, are named with the field', () => {
    const d = copy();
    fs.writeFileSync(path.join(results(d), 'scores.yaml'), '');
    const r = pixpnet(['export', d]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/scores\.yaml is empty: it holds the test scores the run wrote when it finished/);
    expect(r.err).not.toMatch(/Cannot read properties/);
    fs.writeFileSync(path.join(results(d), 'scores.yaml'), '- test_accuracy: [1, 2]\n');
    expect(pixpnet(['export', d]).err).toMatch(/scores\.yaml is not what it should be: '0\.test_accuracy' must be number,null, got \[1,2\]/);
  }, 120_000);
});

describe('links below the folders a command writes in a run', () => {
  it.skipIf(!unix)('export/model or report/explanations linked out of the run: refused, nothing written there', () => {
    const d = copy();
    const away = fs.mkdtempSync(path.join(tmp, 'away-'));
    fs.mkdirSync(path.join(d, 'export'));
    fs.symlinkSync(away, path.join(d, 'export', 'model'));
    fs.mkdirSync(path.join(d, 'report'));
    fs.symlinkSync(away, path.join(d, 'report', 'explanations'));
    for (const [cmd, link] of [['export', path.join(d, 'export', 'model')], ['report', path.join(d, 'report', 'explanations')]] as const) {
      const r = pixpnet([cmd, d, ...(cmd === 'report' ? ['--explanations', '1'] : [])]);
      expect(r.code, cmd).not.toBe(0);
      expect(r.err).toContain(`${link} leads out of ${d} (to ${fs.realpathSync(away)}, through a symbolic link)`);
    }
    expect(fs.readdirSync(away)).toEqual([]);
    expect(fs.readdirSync(path.join(d, 'export'))).toEqual(['model']); // nothing half-done beside it
  }, 120_000);
});

describe('what a killed report or export left', () => {
  it('temporary files of a dead process are gone after a successful run; a live process\'s stay', () => {
    const d = copy();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const plant = (dir: string, name: string) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `.${name}.tmp-${dead}`), 'half a file');
    };
    plant(path.join(d, 'report'), 'index.html');
    plant(path.join(d, 'report', 'explanations'), 'explanation_x.png');
    plant(path.join(d, 'export'), 'explainer.json');
    plant(path.join(d, 'export', 'model'), 'weights.bin');
    fs.writeFileSync(path.join(d, 'report', `.prototypes.png.tmp-${process.pid}`), 'a live writer');
    expect(pixpnet(['report', d, '--explanations', '1']).code).toBe(0);
    expect(pixpnet(['export', d]).code).toBe(0);
    const temps = fs.readdirSync(d, { recursive: true }).map(String).filter((f) => /\.tmp-\d+$/.test(f));
    expect(temps).toEqual([path.join('report', `.prototypes.png.tmp-${process.pid}`)]);
  }, 120_000);
});

describe('a diverged training (SGD at lr 100)', () => {
  it('is said at the end of training and marked in interpretability.yaml and the printed table', () => {
    const logDir = path.join(tmp, 'diverged');
    const r = spawnSync(process.execPath, [bin, 'train', '-c', config, '--dataset.root', path.join(tmp, 'data'), '--log-dir', logDir,
      '--optimizer.name', 'sgd', '--optimizer.lr', '100', '--optimizer.fine-tune-lr', '100'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[WARNING\] The trained model looks collapsed: the push put all 20 prototypes on the same latent cell of their images, and its test accuracy 0\.\d+ is no better than chance/);
    expect(r.stderr).toMatch(/\[WARNING\] The model looks collapsed: the similarity maps are flat/);
    expect(r.stdout).toMatch(/COLLAPSED MODEL: the similarity maps are flat .*The figures below mean nothing \(perfect stability included\)\./);
    const base = path.join(logDir, 'synthparts', 'protonet');
    const yaml = fs.readFileSync(path.join(base, fs.readdirSync(base)[0]!, 'results', 'interpretability.yaml'), 'utf8');
    expect(yaml).toMatch(/^collapsed:\n {2}- the similarity maps are flat/m);
  }, 300_000);
});
