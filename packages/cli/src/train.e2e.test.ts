/**
 * End to end: `pixpnet train -c configs/protonets/proto-synthparts-dummy.yaml` as a user runs it (a child
 * process), the whole output tree, a run killed with SIGKILL after its first checkpoint and resumed with
 * `--resume` ending with the same metrics as the uninterrupted run, the run loader, and `pixpnet evaluate` on the
 * finished run.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import sharp from 'sharp';
import { initBackend, tf } from '@pixpnet/engine';
import { evalTransform, openDataset } from '@pixpnet/data';
import { loadRun, readMetricsCsv, readTensorBoardEvents } from '@pixpnet/train';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/pixpnet.js');
const config = path.resolve(here, '../../../configs/protonets/proto-synthparts-dummy.yaml');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-e2e-'));
const data = path.join(tmp, 'data');

function pixpnet(args: string[], cwd?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, PIXPNET_LOG_LEVEL: 'INFO' }, ...(cwd ? { cwd } : {}) });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function runDirs(logDir: string): string[] {
  const base = path.join(logDir, 'synthparts', 'protonet');
  return fs.existsSync(base) ? fs.readdirSync(base).map((d) => path.join(base, d)) : [];
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).replace(/events\.out\.tfevents\..*/, 'events.out.tfevents.*').replace(/__[0-9a-f]{10}\.json$/, '__<hash>.json')).sort();
}

const scores = (dir: string) => YAML.parse(fs.readFileSync(path.join(dir, 'results', 'scores.yaml'), 'utf8')) as Array<Record<string, number>>;

describe('pixpnet train (end to end)', () => {
  let full = '';
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' }); // for loadRun in this process
    const r = pixpnet(['train', '-c', config, '--dataset.root', data, '--log-dir', path.join(tmp, 'a')]);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    [full] = runDirs(path.join(tmp, 'a'));
    expect(r.out).toContain(path.join(full!, 'results'));
    expect(r.out).toMatch(/bbox \(RF, ours\)\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}/); // the interpretability table
    expect(r.out).toMatch(/rf \(ours\)\s+-?\d\.\d{3}/);
  }, 300_000);

  it('writes the output tree of spec §3.8', () => {
    expect(files(full)).toEqual([
      'csv/version_0/checkpoints/epoch=1-step=50.ckpt', 'csv/version_0/hparams.yaml', 'csv/version_0/metrics.csv',
      'model/model.json', 'model/weights.bin',
      'results/best_model_path.txt', 'results/config.yaml', 'results/interpretability.yaml', 'results/model_info.yaml', 'results/rot.png', 'results/rot.svg',
      ...['random', 'rf', 'upsample'].map((m) => `results/rot/SYNTHPARTS__num_samples-4__normalized-False__prop_pixels-1__same_class-True__zeros-False__seed-4__method-${m}__steps-5__test__<hash>.json`),
      'results/scores.yaml',
      'tensorboard/version_0/events.out.tfevents.*', 'tensorboard/version_0/hparams.yaml',
    ]);
    expect(path.basename(full)).toMatch(/^\d{4}-\d\d-\d\dT\d\d_\d\d_\d\d$/);
    const cfg = YAML.parse(fs.readFileSync(path.join(full, 'results', 'config.yaml'), 'utf8'));
    expect(cfg.dataset.needs_unaugmented).toBe(true);
    expect(cfg.train.val_every_n_epoch).toBe(1);
    expect(cfg.test.batch_size).toBe(16);
    expect(cfg.log_dir).toBe(full);
    expect(cfg.config).toBe(config);
    expect(fs.readFileSync(path.join(full, 'results', 'config.yaml'), 'utf8')).toMatch(/^dataset:\n {4}val_size: 0\.2$/m);
    const info = YAML.parse(fs.readFileSync(path.join(full, 'results', 'model_info.yaml'), 'utf8'));
    for (const k of ['model_size', 'trainable_parameters', 'total_parameters', 'macs', 'macs_per_image', 'train_time_total', 'train_time_per_epoch', 'inference_time_per_sample', 'inference_time_per_batch']) {
      expect(info[k]).toBeGreaterThan(0);
    }
    expect(info.backend).toMatch(/^wasm/);
    const s = scores(full);
    expect(s).toHaveLength(1);
    expect(Object.keys(s[0]!).sort()).toEqual(['test_accuracy', 'test_total_loss', 'test_weighted_accuracy', 'test_xent', 'test_xent_weighted']);
    expect(fs.readFileSync(path.join(full, 'results', 'best_model_path.txt'), 'utf8')).toBe('../csv/version_0/checkpoints/epoch=1-step=50.ckpt');
  });

  it('logs every step, each validation and the test in metrics.csv, and the same scalars to TensorBoard', () => {
    const rows = readMetricsCsv(path.join(full, 'csv', 'version_0', 'metrics.csv'));
    const train = rows.filter((r) => r['train_total_loss'] !== undefined);
    expect(train).toHaveLength(50); // 400 training images / 16, two epochs
    expect(rows.filter((r) => r['val_accuracy'] !== undefined)).toHaveLength(2);
    expect(rows.filter((r) => r['test_accuracy'] !== undefined)).toHaveLength(1);
    expect(train[0]!['hp/lr_group_1']).toBeCloseTo(3e-3 * (1 - Math.exp(-2)), 9); // spec §3.4 warmup, W = 1
    const events = fs.readdirSync(path.join(full, 'tensorboard', 'version_0')).filter((f) => f.startsWith('events'));
    const tb = readTensorBoardEvents(path.join(full, 'tensorboard', 'version_0', events[0]!)).filter((e) => Object.keys(e.scalars).length);
    expect(tb).toHaveLength(rows.length);
    expect(tb[tb.length - 1]!.scalars['test_accuracy']).toBeCloseTo(rows[rows.length - 1]!['test_accuracy']!, 6);
  });

  it('loads the finished run (spec §3.9)', () => {
    const run = loadRun(full);
    try {
      expect(run.config['dataset.name']).toBe('SYNTHPARTS');
      expect(run.config['model.num-prototypes']).toBe(20);
      expect(run.model.config.numPrototypes).toBe(20);
      expect(Array.from(run.model.push.sampleIdxs).every((i) => i >= 0)).toBe(true);
      expect(run.scores!['test_accuracy']).toBe(scores(full)[0]!['test_accuracy']);
    } finally {
      run.model.dispose();
    }
  });

  /** Starts a run and kills it (SIGKILL) as soon as `ready(runDir)` holds; returns the run directory. */
  async function killed(logDir: string, ready: (dir: string) => boolean): Promise<string> {
    const child = spawn(process.execPath, [bin, 'train', '-c', config, '--dataset.root', data, '--log-dir', logDir], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const [dir] = runDirs(logDir);
        if (dir && ready(dir)) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 10);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('the run ended before it could be killed'));
      });
    });
    await exited;
    return runDirs(logDir)[0]!;
  }

  it('resumes a run killed after its first checkpoint and ends with the same metrics', async () => {
    const dir = await killed(path.join(tmp, 'b'), (d) => {
      const ckpts = path.join(d, 'csv', 'version_0', 'checkpoints');
      return fs.existsSync(ckpts) && fs.readdirSync(ckpts).some((f) => f.startsWith('epoch=0-'));
    });
    expect(fs.existsSync(path.join(dir, 'results', 'scores.yaml'))).toBe(false);
    const r = pixpnet(['train', '--resume', dir]);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    expect(scores(dir)).toEqual(scores(full));
    // the run's origin, recorded when it started, survives the resume
    const origin = (d: string) => YAML.parse(fs.readFileSync(path.join(d, 'results', 'config.yaml'), 'utf8')) as { config: string | null };
    expect(origin(dir).config).toBe(config);
    const a = readMetricsCsv(path.join(full, 'csv', 'version_0', 'metrics.csv'));
    const b = readMetricsCsv(path.join(dir, 'csv', 'version_0', 'metrics.csv'));
    expect(b).toEqual(a);
    expect(files(dir)).toEqual(files(full));
  }, 300_000);

  it('restarts a run killed before its first checkpoint from its recorded configuration', async () => {
    const dir = await killed(path.join(tmp, 'd'), (d) => fs.existsSync(path.join(d, 'csv', 'version_0', 'metrics.csv')) &&
      fs.readFileSync(path.join(d, 'csv', 'version_0', 'metrics.csv'), 'utf8').split('\n').length > 3);
    expect(fs.existsSync(path.join(dir, 'csv', 'version_0', 'checkpoints'))).toBe(false);
    const r = pixpnet(['train', '--resume', dir]);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    expect(scores(dir)).toEqual(scores(full));
    expect(readMetricsCsv(path.join(dir, 'csv', 'version_0', 'metrics.csv'))).toEqual(readMetricsCsv(path.join(full, 'csv', 'version_0', 'metrics.csv')));
  }, 300_000);

  it('pixpnet evaluate: the metrics of the finished run as JSON and files, then the same parameters from the cache', () => {
    const r = pixpnet(['evaluate', full, '--rot.steps', '3', '--rot.num-samples', '2', '--json']);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const m of ['bbox', 'upsample']) {
      for (const k of ['consistency', 'stability']) for (const v of ['soft', 'hard']) expect(j[k][m][v]).toBeGreaterThanOrEqual(0);
      // the synthetic set names its class-defining parts: part-correctness of every box method, in [0, 1]
      expect(j.partCorrectness[m].score).toBeGreaterThanOrEqual(0);
      expect(j.partCorrectness[m].score).toBeLessThanOrEqual(1);
      expect(j.partCorrectness[m].perPrototype).toHaveLength(20);
    }
    expect(j.parameters.partTopK).toBe(10);
    expect(j.skipped['part-correctness']).toBeUndefined();
    for (const m of ['rf', 'upsample', 'random']) {
      expect(j.rot[m].area).toBeTypeOf('number');
      expect(j.rot[m].forwards).toBe(2 * 2 * 3); // 2 images × 2 prototypes of their class × 3 pixel counts
      expect(fs.existsSync(path.join(full, 'results', j.rot[m].file))).toBe(true);
    }
    expect(j.parameters.boxRadius).toBe(10); // round(36 · 64 / 224)
    expect(YAML.parse(fs.readFileSync(path.join(full, 'results', 'interpretability.yaml'), 'utf8'))).toEqual(j);
    const again = pixpnet(['evaluate', full, '--rot.steps', '3', '--rot.num-samples', '2', '--metrics', 'rot']);
    expect(again.code).toBe(0);
    expect(again.out.match(/cached/g)).toHaveLength(3);
  }, 300_000);

  it('PRP (@pixpnet/prp, registered by the CLI): explain --heatmap prp and the ROT with the prp method', () => {
    const out = path.join(tmp, 'explanations-prp'), run = path.join(tmp, 'prp-run');
    fs.cpSync(full, run, { recursive: true }); // its results/ stay the other tests'
    const e = pixpnet(['explain', run, '--samples', '1', '--seed', '2', '--heatmap', 'prp', '--out', out, '--json']);
    expect(e.err).not.toMatch(/\[ERROR\]/);
    expect(e.code).toBe(0);
    expect(fs.existsSync(JSON.parse(e.out)[0].file)).toBe(true);
    const r = pixpnet(['evaluate', run, '--metrics', 'rot', '--rot.methods', 'rf,prp', '--rot.steps', '3', '--rot.num-samples', '2', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rot.prp.forwards).toBe(2 * 2 * 3);
    expect(j.rot.prp.area).toBeTypeOf('number');
    expect(j.rot.prp.file).toMatch(/method-prp/);
  }, 300_000);

  it('pixpnet evaluate refuses bad input before any work, naming the fix', () => {
    const bad = pixpnet(['evaluate', full, '--method', 'bbox,corners']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/Unknown box method 'corners': choose among bbox, upsample, heatmap_max, heatmap_mean, center/);
    expect(bad.err).not.toMatch(/Backend/);
    const noCkpt = path.join(tmp, 'no-checkpoint');
    fs.cpSync(full, noCkpt, { recursive: true });
    fs.rmSync(path.join(noCkpt, 'csv'), { recursive: true });
    fs.rmSync(path.join(noCkpt, 'results', 'best_model_path.txt'));
    const r = pixpnet(['evaluate', noCkpt]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/expected exactly one \.ckpt file.*found 0.*Is it a finished PixPNet run directory\?/);
    expect(pixpnet(['evaluate', path.join(tmp, 'nowhere')]).err).toMatch(/No such run directory/);
  });

  it('pixpnet explain: panels for random test images and for image files, with the numbers as JSON', async () => {
    const out = path.join(tmp, 'explanations');
    const r = pixpnet(['explain', full, '--samples', '2', '--seed', '1', '--out', out, '--json']);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    const recs = JSON.parse(r.out);
    expect(recs).toHaveLength(2);
    for (const rec of recs) {
      expect(rec.prototypes).toHaveLength(4);
      expect(rec.actual.name).toBeTypeOf('string');
      expect(fs.existsSync(rec.file)).toBe(true);
      const sorted = rec.prototypes.map((p: { contribution: number }) => p.contribution);
      expect([...sorted].sort((a, b) => b - a)).toEqual(sorted);
    }
    const file = path.join(tmp, 'bird.png');
    await sharp({ create: { width: 80, height: 70, channels: 3, background: '#7a9' } }).png().toFile(file);
    const one = pixpnet(['explain', full, '--images', file, '--top-k', '2', '--sort', 'similarity', '--out', out, '--json']);
    expect(one.code).toBe(0);
    const [rec] = JSON.parse(one.out);
    expect(rec.image).toBe('bird');
    expect(rec.actual).toBeNull();
    expect(rec.prototypes).toHaveLength(2);
    expect(path.basename(rec.file)).toBe('explanation_bird_similarity_top2.png');
    const bad = pixpnet(['explain', full, '--images', path.join(tmp, 'missing.png')]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--images: no such file .*missing\.png/);
    expect(bad.err).not.toMatch(/Backend/);
    // a file that is not an image stops the command before the first panel is drawn
    const junk = path.join(tmp, 'junk.jpg'), outJunk = path.join(tmp, 'explain-junk');
    fs.writeFileSync(junk, 'not a jpeg');
    const mixed = pixpnet(['explain', full, '--images', file, junk, '--out', outJunk]);
    expect(mixed.code).not.toBe(0);
    expect(mixed.err).toMatch(/--images: 1 of 2 file\(s\) cannot be read as images:\n {2}.*junk\.jpg: /);
    expect(fs.existsSync(outJunk)).toBe(false);
  }, 300_000);

  it('a run finds its dataset from any folder; one not there, or with other classes, is refused and nothing generated', () => {
    const recorded = (dir: string) => YAML.parse(fs.readFileSync(path.join(dir, 'results', 'config.yaml'), 'utf8')) as { dataset: { root: string } };
    expect(recorded(full).dataset.root).toBe(data); // recorded absolute
    const elsewhere = fs.mkdtempSync(path.join(tmp, 'elsewhere-'));
    const ok = pixpnet(['explain', full, '--samples', '1', '--out', path.join(elsewhere, 'panels'), '--json'], elsewhere);
    expect(ok.code).toBe(0);
    // an older run's root, recorded relative, from a folder without the dataset
    const copy = path.join(tmp, 'relative-root-run');
    fs.cpSync(full, copy, { recursive: true });
    const file = path.join(copy, 'results', 'config.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^( +root: ).*$/m, '$1data'));
    const missing = pixpnet(['prototypes', copy, '--out', path.join(elsewhere, 'gallery')], elsewhere);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/The run's dataset SYNTHPARTS is not at .*data\/synthparts \(dataset\.root 'data' in the run's results\/config\.yaml, taken from the current folder .*\): run the command from the folder the run was trained in/);
    expect(fs.existsSync(path.join(elsewhere, 'data'))).toBe(false); // not generated
    expect(fs.existsSync(path.join(elsewhere, 'gallery'))).toBe(false);
    // a synthetic set with another number of classes in its place
    expect(pixpnet(['data', 'synth', '--out', path.join(elsewhere, 'data', 'synthparts'), '--classes', '3', '--per-class', '4']).code).toBe(0);
    const other = pixpnet(['prototypes', copy, '--out', path.join(elsewhere, 'gallery')], elsewhere);
    expect(other.code).not.toBe(0);
    expect(other.err).toMatch(/has 3 classes, the run's model \d+: it is not the dataset the run was trained on/);
    expect(fs.existsSync(path.join(elsewhere, 'gallery'))).toBe(false);
  }, 300_000);

  it('pixpnet prototypes: the gallery of every prototype as PNG and JSON, with the parts inside each one\'s receptive field', () => {
    const out = path.join(tmp, 'gallery');
    const r = pixpnet(['prototypes', full, '--out', out, '--json']);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.out);
    expect(entries).toHaveLength(20);
    expect(entries.every((e: { sample: number; box: number[] | null; parts: unknown }) => e.sample >= 0 && e.box?.length === 4 && Array.isArray(e.parts))).toBe(true);
    expect(entries.filter((e: { definingPart: boolean | null }) => e.definingPart !== null)).toHaveLength(20); // the synthetic set names its defining parts
    // defining = one of the parts inside the field defines the class: never for the background
    expect(entries.filter((e: { parts: unknown[]; definingPart: boolean }) => !e.parts.length && e.definingPart)).toEqual([]);
    expect(r.err).toMatch(/\d+ of 20 prototypes hold a part that defines their class in their receptive field; \d+ hold no part \(background\)/);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'prototypes.json'), 'utf8'))).toEqual(entries);
    expect(fs.statSync(path.join(out, 'prototypes.png')).size).toBeGreaterThan(10_000);
  });

  it('symbolic links: export --out LINK writes the whole page into the folder it points to; a run given as a link is that run', () => {
    const target = path.join(tmp, 'export-target'), outLink = path.join(tmp, 'export-link'), runLink = path.join(tmp, 'run-link');
    fs.mkdirSync(target);
    fs.symlinkSync(target, outLink);
    fs.symlinkSync(full, runLink);
    const r = pixpnet(['export', runLink, '--out', outLink]);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(fs.realpathSync(target));
    const written = files(target);
    for (const f of ['index.html', 'app.js', 'explainer.json', 'rf.json', 'model/model.json', 'model/weights.bin', 'prototypes/p0.png']) expect(written, f).toContain(f);
    expect(written.filter((f) => /\.tmp-\d+$/.test(f))).toEqual([]); // no temporary file left
    expect(fs.lstatSync(outLink).isSymbolicLink()).toBe(true);
    // the run through its link: the gallery goes into the run's own folder, named by its real path
    const p = pixpnet(['prototypes', runLink]);
    expect(p.code).toBe(0);
    expect(p.err).toContain(path.join(fs.realpathSync(full), 'prototypes', 'prototypes.png'));
    expect(fs.existsSync(path.join(full, 'prototypes', 'prototypes.json'))).toBe(true);
  }, 120_000);

  it('pixpnet report: an unreadable file of the run stops it before anything is written, naming the file', () => {
    const copy = path.join(tmp, 'report-bad-csv');
    fs.cpSync(full, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'report'), { recursive: true, force: true });
    const metrics = path.join(copy, 'csv', 'version_0', 'metrics.csv');
    const text = fs.readFileSync(metrics, 'utf8');
    fs.writeFileSync(metrics, text.slice(0, Math.floor(text.length / 2)) + '\n1,2\n'); // a row cut short, then a stray one
    const r = pixpnet(['report', copy, '--explanations', '1']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/metrics\.csv is not a readable metrics CSV/);
    expect(fs.existsSync(path.join(copy, 'report'))).toBe(false);
  }, 60_000);

  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env['CHROMIUM_PATH'] ?? ''].find((p) => p && fs.existsSync(p));
  if (!chromium) console.warn('Chromium not found (/usr/bin/chromium; apt-get install chromium): the report\'s browser test is skipped.');

  it.skipIf(!chromium)('pixpnet report: a self-contained page that a real Chromium renders from disk with no error', async () => {
    const r = pixpnet(['report', full, '--explanations', '2']);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    const index = path.join(full, 'report', 'index.html');
    expect(r.out.trim()).toBe(index);
    const html = fs.readFileSync(index, 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from the network
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({ executablePath: chromium!, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('requestfailed', (q) => errors.push(`failed request ${q.url()}`));
      await page.goto(`file://${index}`, { waitUntil: 'load' });
      expect(errors).toEqual([]);
      const images = await page.evaluate(() => [...document.images].map((i) => ({ src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0, alt: i.alt })));
      expect(images.length).toBe(1 + 2); // the gallery and two explanations
      for (const i of images) {
        expect(i.ok, `${i.src} decoded`).toBe(true);
        expect(i.alt.length).toBeGreaterThan(10);
      }
      const charts = await page.evaluate(() => [...document.querySelectorAll('figure.chart svg')].map((s) => s.querySelectorAll('.role-mark path, .role-mark line').length));
      expect(charts).toHaveLength(2); // training curves, ROT
      for (const marks of charts) expect(marks).toBeGreaterThan(0);
      expect(await page.locator('tr[data-prototype]').count()).toBe(20); // the model's prototypes
      expect(await page.locator('h1').count()).toBe(1);
      expect(await page.locator('h2').count()).toBeGreaterThanOrEqual(5);
    } finally {
      await browser.close();
    }
  }, 300_000);

  it.skipIf(!chromium)('pixpnet export: the model explains in a real Chromium with the same class and similarities as Node', async () => {
    const out = path.join(tmp, 'export');
    const r = pixpnet(['export', full, '--out', out]);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    for (const f of ['index.html', 'app.js', 'explainer.json', 'rf.json', 'model/model.json', 'model/weights.bin']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
    // a test image of the run, and what Node computes for it
    const run = loadRun(full);
    const ds = await openDataset('SYNTHPARTS', data, { parts: false });
    const sample = ds.index.samples.find((s) => !s.train)!;
    const t = await evalTransform(sample, ds.preset);
    const node = tf.tidy(() => {
      const o = run.model.forward(tf.tensor4d(t.data, [1, 64, 64, 3]));
      return { sims: Array.from(o.maxSimilarities.dataSync()), predicted: Array.from(o.logits.dataSync()).reduce((b, v, i, a) => (v > a[b]! ? i : b), 0) };
    });
    run.model.dispose();
    fs.copyFileSync(sample.path, path.join(out, 'sample.png'));
    // served as a user would: examples/browser/serve.mjs
    const server = spawn(process.execPath, [path.resolve(here, '../../../examples/browser/serve.mjs'), out, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((ok) => server.stdout!.once('data', (d: Buffer) => ok(d.toString().trim())));
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({ executablePath: chromium!, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { pixpnet?: unknown }).pixpnet !== undefined || /Error/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 120_000 });
      const got = await page.evaluate(() => (window as unknown as { pixpnet: { explainUrl(u: string): Promise<{ predicted: number; similarities: number[]; backend: string }> } }).pixpnet.explainUrl('/sample.png'));
      expect(errors).toEqual([]);
      expect(got.predicted).toBe(node.predicted);
      expect(got.similarities).toHaveLength(node.sims.length);
      got.similarities.forEach((v, j) => expect(Math.abs(v - node.sims[j]!), `prototype ${j} on ${got.backend}`).toBeLessThan(1e-4));
      const drawn = await page.evaluate(() => { const c = document.getElementById('panel') as HTMLCanvasElement; return [c.width, c.height]; });
      expect(drawn[0]).toBeGreaterThan(800); // the panel was drawn
      expect(await page.textContent('#status')).toMatch(/^Predicted /);
    } finally {
      await browser.close();
      server.kill();
    }
  }, 300_000);

  it('one owner per run directory: a resume or an evaluation of a directory a live process holds is refused, nothing written', () => {
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const lockFile = path.join(full, '.pixpnet.lock');
    const csv = path.join(full, 'csv', 'version_0', 'metrics.csv');
    const before = fs.readFileSync(csv, 'utf8');
    try {
      fs.writeFileSync(lockFile, JSON.stringify({ pid: live.pid, host: os.hostname(), started: new Date().toISOString(), command: 'pixpnet train --resume' }));
      for (const args of [['train', '--resume', full], ['evaluate', full, '--rot.steps', '3']]) {
        const r = pixpnet(args);
        expect(r.code).not.toBe(0);
        expect(r.err).toContain(`is in use by process ${live.pid}`);
      }
      expect(fs.readFileSync(csv, 'utf8')).toBe(before);
    } finally {
      live.kill('SIGKILL');
      fs.rmSync(lockFile, { force: true });
    }
  });

  it('refuses a bad option before any work, naming the key and the choices', () => {
    const r = pixpnet(['train', '-c', config, '--dataset.root', data, '--log-dir', path.join(tmp, 'c'), '--train.push-duplicate-filter', 'pixel']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/push-duplicate-filter/);
    expect(r.err).toMatch(/sample, patch, none/);
    const u = pixpnet(['train', '-c', config, '--dataset.root', data, '--train.epoch', '3']);
    expect(u.code).not.toBe(0);
    expect(u.err).toMatch(/--train\.epochs/);
    const both = pixpnet(['train', '-c', config, '--dataset.root', data, '--log-dir', path.join(tmp, 'c'), '--model.pretrained', '--model.no-pretrained']);
    expect(both.code).not.toBe(0);
    expect(both.err).toMatch(/--model\.pretrained and --model\.no-pretrained contradict each other: give one of them\./);
    expect(fs.existsSync(path.join(tmp, 'c'))).toBe(false);
  });

  it('--resume of a finished run is refused (with its checkpoint or without): its model and results stay', () => {
    const copy = path.join(tmp, 'finished-no-ckpt');
    fs.cpSync(full, copy, { recursive: true });
    const ckpts = path.join(copy, 'csv', 'version_0', 'checkpoints');
    for (const f of fs.readdirSync(ckpts)) fs.rmSync(path.join(ckpts, f));
    const sizes = () => (fs.readdirSync(copy, { recursive: true }) as string[]).sort().map((f) => [f, fs.statSync(path.join(copy, f)).size]);
    const before = sizes();
    const r = pixpnet(['train', '--resume', copy]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/is a finished run \(.*scores\.yaml\): there is nothing to resume\. Its interpretability metrics: pixpnet evaluate .*; a new run with the same configuration: pixpnet train -c .*proto-synthparts-dummy\.yaml/);
    expect(sizes()).toEqual(before);
    const withCkpt = pixpnet(['train', '--resume', full]);
    expect(withCkpt.code).not.toBe(0);
    expect(withCkpt.err).toMatch(/is a finished run/);
  }, 60_000);

  it('refuses an output folder that is a file or cannot be made, and a file given as a run, before any work', () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    const cases: Array<[string[], RegExp]> = [
      [['data', 'synth', '--out', file], /--out .*a-file is a file, not a folder: give a folder you can write to/],
      [['train', '-c', config, '--log-dir', path.join(file, 'logs')], /--log-dir .*a-file is a file, so no folder can be made under it/],
      [['train', '-c', config, '--dataset.root', file], /--dataset\.root .*a-file is a file, not a folder/],
      [['explain', full, '--out', file], /--out .*a-file is a file, not a folder/],
      [['evaluate', file], /a-file is a file, not a run directory/],
      [['train', '--resume', file], /--resume .*a-file is a file, not a run directory/],
      ...(fs.existsSync('/proc/self') ? [[['prototypes', full, '--out', '/proc/nope'], /--out \/proc\/nope cannot be created \(ENOENT/] as [string[], RegExp]] : []),
    ];
    for (const [args, message] of cases) {
      const r = pixpnet(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/Backend/); // refused before the engine started
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  }, 60_000);

  it('refuses a bad model, head or weights file before any work: no dataset generated, no run directory', () => {
    const fresh = path.join(tmp, 'fresh-data'), logs = path.join(tmp, 'no-work');
    const cases: Array<[string[], RegExp]> = [
      [['--model.feature-extractor', 'vgg_nanoo_bn'], /--model\.feature-extractor: unknown model 'vgg_nanoo_bn'.*vgg_nano_bn/],
      [['--model.feature-layer', 'maxpool9'], /vgg_nano_bn has no layer \(--model\.feature-layer\) 'maxpool9'. Its layers are: .*maxpool3/],
      [['--model.num-prototypes', '25'], /--model\.num-prototypes \(25\) must be a multiple of the dataset's 10 classes.*try 30/],
      [['--model.pretrained', '--model.pretrained-weights', path.join(tmp, 'nope.safetensors')], /--model\.pretrained-weights .*nope\.safetensors: no such file/],
    ];
    for (const [args, message] of cases) {
      const r = pixpnet(['train', '-c', config, '--dataset.root', fresh, '--log-dir', logs, ...args]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err).toMatch(message);
      expect(fs.existsSync(fresh), args.join(' ')).toBe(false);
      expect(fs.existsSync(logs), args.join(' ')).toBe(false);
    }
  });

  it('unreadable images: a corrupt test image stops the run before training (or is left out with --dataset.skip-corrupt); a corrupt training image leaves no orphan run', () => {
    const root = path.join(tmp, 'corrupt-data'), cub = path.join(root, 'synthparts', 'CUB_200_2011');
    fs.cpSync(data, root, { recursive: true });
    const lines = (f: string) => fs.readFileSync(path.join(cub, f), 'utf8').trim().split('\n').map((l) => l.split(' '));
    const images = new Map(lines('images.txt').map(([id, file]) => [id!, path.join(cub, 'images', file!)]));
    const split = lines('train_test_split.txt');
    const testImage = images.get(split.find(([, t]) => t === '0')![0]!)!;
    fs.writeFileSync(testImage, fs.readFileSync(testImage).subarray(0, 50));
    const logs = path.join(tmp, 'e');
    const quick = ['--debug', '--train.epochs', '1', '--eval.no-interpretability'];
    const r = pixpnet(['train', '-c', config, '--dataset.root', root, '--log-dir', logs, ...quick]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`1 image(s) of SYNTHPARTS in ${path.join(root, 'synthparts')} cannot be read:`);
    expect(r.err).toContain(testImage);
    expect(r.err).toMatch(/--dataset\.skip-corrupt/);
    expect(fs.existsSync(logs)).toBe(false);

    const ok = pixpnet(['train', '-c', config, '--dataset.root', root, '--log-dir', logs, ...quick, '--dataset.skip-corrupt']);
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/--dataset\.skip-corrupt: leaving out 1 unreadable image/);
    const [dir] = runDirs(logs);
    expect(fs.readFileSync(path.join(dir!, 'results', 'skipped_images.txt'), 'utf8')).toMatch(new RegExp(`^${testImage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\t.+\n$`));

    // training images are only checked to exist (they are read in the first epoch): the failed run's directory is removed
    fs.copyFileSync(path.join(data, path.relative(root, testImage)), testImage);
    for (const [id] of split.filter(([, t]) => t === '1')) fs.writeFileSync(images.get(id!)!, 'not an image');
    const logs2 = path.join(tmp, 'f');
    const t = pixpnet(['train', '-c', config, '--dataset.root', root, '--log-dir', logs2, ...quick]);
    expect(t.code).not.toBe(0);
    expect(t.err).toMatch(/Cannot decode image .*\.png/);
    expect(t.err).toMatch(/Removed .*: the run failed before its first checkpoint/);
    expect(runDirs(logs2)).toEqual([]);

    // the part annotations the evaluation at the end reads are parsed before training
    fs.rmSync(root, { recursive: true });
    fs.cpSync(data, root, { recursive: true });
    fs.appendFileSync(path.join(cub, 'parts', 'part_locs.txt'), '1 2 x 4 1\n');
    const p = pixpnet(['train', '-c', config, '--dataset.root', root, '--log-dir', logs2, '--debug']); // evaluates at the end
    expect(p.code).not.toBe(0);
    expect(p.err).toMatch(/part_locs\.txt:\d+: field 3 must be an integer, got 'x'/);
    expect(fs.existsSync(logs2) ? runDirs(logs2) : []).toEqual([]);
  });

  it('built-in configs by name, from any folder; an unknown name lists them', () => {
    const r = spawnSync(process.execPath, [bin, 'train', '-c', 'proto-synthparts-dummy', '--train.epochs', '0'], { cwd: os.tmpdir(), encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Invalid configuration \(.*configs\/protonets\/proto-synthparts-dummy\.yaml and the command line\): 'train.epochs' must be >= 1, got 0/);
    const u = spawnSync(process.execPath, [bin, 'train', '-c', 'proto-nothing'], { cwd: os.tmpdir(), encoding: 'utf8' });
    expect(u.stderr).toMatch(/Config proto-nothing is neither a file nor a built-in config: give a YAML file or one of .*proto-synthparts, proto-synthparts-dummy/);
  });

  it('--help documents every option with its default', () => {
    const r = pixpnet(['train', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--dataset\.val-size <float>\s+fraction of the training split held out for validation \(default: 0\.2\)/);
    expect(r.out).toMatch(/--train\.no-push-prototypes/);
    expect(r.out).toMatch(/--optimizer\.lr-schedule <int\.\.\.>/);
  });
});
