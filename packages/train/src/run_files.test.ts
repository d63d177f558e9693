import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBestModelPath, readModelInfo, readRunYaml, readScores } from './run_files.js';
import { readResultsConfig } from './load_run.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-runfiles-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const runDir = () => {
  const d = path.join(tmp, `run${n++}`);
  fs.mkdirSync(path.join(d, 'results'), { recursive: true });
  fs.mkdirSync(path.join(d, 'csv', 'version_0', 'checkpoints'), { recursive: true });
  return d;
};
const unix = process.platform !== 'win32';

describe('a run directory\'s files are untrusted input', () => {
  it('YAML: absent is undefined; empty, a list, or unparsable is an error naming the file', () => {
    const d = runDir();
    const f = path.join(d, 'results', 'x.yaml');
    expect(readRunYaml(f, 'fix it.')).toBeUndefined();
    for (const [text, why] of [['', /x\.yaml is empty: fix it\./], ['- 1\n- 2\n', /x\.yaml should hold a mapping of entries, but holds a list: fix it\./], ['a: [', /x\.yaml is not readable YAML/]] as const) {
      fs.writeFileSync(f, text);
      expect(() => readRunYaml(f, 'fix it.')).toThrow(why);
    }
  });

  it.skipIf(!unix)('only regular files are read: a FIFO or a link to /dev/zero is refused at once (no hang)', () => {
    const d = runDir();
    const fifo = path.join(d, 'results', 'config.yaml');
    spawnSync('mkfifo', [fifo]);
    expect(() => readResultsConfig(d)).toThrow(/config\.yaml should be a YAML file of the run, but it is a FIFO \(named pipe\): it is not read\. It records the run's configuration/);
    fs.rmSync(fifo);
    fs.symlinkSync('/dev/zero', fifo);
    expect(() => readResultsConfig(d)).toThrow(/config\.yaml should be a YAML file of the run, but it is a character device/);
    fs.rmSync(fifo);
    fs.mkdirSync(fifo);
    expect(() => readResultsConfig(d)).toThrow(/config\.yaml should be a YAML file of the run, but it is a folder/);
  });

  it('a file larger than its kind can be is not read', () => {
    const d = runDir();
    const f = path.join(d, 'results', 'best_model_path.txt');
    fs.writeFileSync(f, 'a'.repeat(5000));
    expect(() => readBestModelPath(d, path.join(d, 'results'))).toThrow(/best_model_path\.txt should be one path of at most 4,096 bytes, but it has 5,000 bytes: it is not read/);
  });

  it('results/config.yaml must hold a valid configuration, named by key', () => {
    const d = runDir();
    fs.writeFileSync(path.join(d, 'results', 'config.yaml'), 'dataset:\n    name: SYNTHPARTS\nmodel:\n    feature_extractor: vgg11\n    feature_layer: maxpool4\noptimizer:\n    lr: .nan\n');
    expect(() => readResultsConfig(d)).toThrow(/config\.yaml does not hold a valid run configuration: 'optimizer\.lr' must be a finite number, got \.nan \(not a number\)\. It records the run's configuration/);
  });

  it('scores.yaml: empty or of the wrong shape is an error naming the file and field (not a JavaScript error)', () => {
    const d = runDir();
    const f = path.join(d, 'results', 'scores.yaml');
    fs.writeFileSync(f, '');
    expect(() => readScores(f)).toThrow(/scores\.yaml is empty: it holds the test scores/);
    fs.writeFileSync(f, '- test_accuracy: high\n');
    expect(() => readScores(f)).toThrow(/scores\.yaml is not what it should be: '0\.test_accuracy' must be number,null, got "high"/);
    fs.writeFileSync(f, '- test_accuracy: 0.5\n  test_total_loss: .nan\n');
    expect(readScores(f)).toEqual({ test_accuracy: 0.5, test_total_loss: NaN });
    fs.writeFileSync(path.join(d, 'results', 'model_info.yaml'), 'macs: {a: 1}\n');
    expect(() => readModelInfo(path.join(d, 'results', 'model_info.yaml'), 'fix.')).toThrow(/model_info\.yaml is not what it should be: 'macs' must be number,string,boolean,null, got \{"a":1\}/);
  });

  it('best_model_path.txt naming a file outside the run directory is refused, not read', () => {
    const d = runDir();
    const results = path.join(d, 'results');
    const pointer = path.join(results, 'best_model_path.txt');
    const ck = path.join(d, 'csv', 'version_0', 'checkpoints', 'epoch=1-step=4.ckpt');
    fs.writeFileSync(ck, 'x');
    fs.writeFileSync(pointer, '../csv/version_0/checkpoints/epoch=1-step=4.ckpt\n');
    expect(readBestModelPath(d, results)).toBe(ck);
    for (const target of ['/etc/passwd', '../../../../../etc/passwd', '..']) {
      fs.writeFileSync(pointer, target);
      expect(() => readBestModelPath(d, results)).toThrow(new RegExp(`names ${target.replace(/[./]/g, '\\$&')}, outside the run directory .*: a run's checkpoint is inside it, so it is not read\\. It names the run's checkpoint`));
    }
    if (unix) {
      fs.symlinkSync('/etc/passwd', path.join(d, 'csv', 'link.ckpt'));
      fs.writeFileSync(pointer, '../csv/link.ckpt');
      expect(() => readBestModelPath(d, results)).toThrow(/names \.\.\/csv\/link\.ckpt, a link to \/etc\/passwd outside the run directory/);
    }
    fs.writeFileSync(pointer, '../csv/version_0/checkpoints/gone.ckpt');
    expect(readBestModelPath(d, results)).toBeUndefined(); // stale: the caller looks for the run's only checkpoint
  });
});

describe('a resumed run writes only inside its directory', () => {
  it.skipIf(!unix)('a folder of the run linked elsewhere is refused, naming it; links inside the run are fine', async () => {
    const { checkRunFoldersInside } = await import('./run_files.js');
    const d = runDir();
    const away = fs.mkdtempSync(path.join(tmp, 'away-'));
    checkRunFoldersInside(d);
    fs.mkdirSync(path.join(d, 'elsewhere-inside'));
    fs.symlinkSync(path.join(d, 'elsewhere-inside'), path.join(d, 'model'));
    checkRunFoldersInside(d);
    fs.symlinkSync(away, path.join(d, 'tensorboard'));
    expect(() => checkRunFoldersInside(d)).toThrow(`${path.join(d, 'tensorboard')} leads out of the run directory ${d} (to ${fs.realpathSync(away)}): a run writes only inside its directory.`);
    expect(fs.readdirSync(away)).toEqual([]);
  });
});
