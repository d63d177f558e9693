// `npm run bench -- cub [--per-class N] [--size PX] [--train-batches N] [--test-batches N] [--eval-images N]
//                       [--rot-samples N] [--config FILE] [--data DIR] [--out DIR] [--torch-batch B] [--skip-torch]`
// A CUB-sized rehearsal of the paper's workload on this machine: a CUB-like synthetic set (200 classes, images of
// varied sizes around 500 × 375 with boxes and 15 keypoints; generated once in --data and reused), the reference's
// proto-cub200224 settings (VGG16-BN cut at maxpool5, 2,000 prototypes of 192 dimensions, 224 px, batch 64; no
// pretrained weights here) trained for one joint epoch limited to --train-batches batches, the push over the whole
// training split, the test limited to --test-batches, then `evaluate` (fast ROT), `explain`, `prototypes`, `report`
// and `export`. Every stage is the real CLI in a child process (its log in --out); per stage it prints the wall
// time, images/s, the peak RSS and the wasm heap's high-water mark, then a forecast of a whole proto-cub200224 run
// on the real CUB-200-2011 (epochs × (train + validation) + pushes + test) from the measured rates, and the same
// 224 px training step in PyTorch beside ours (`bench engine --net vgg16_bn`). Last line:
//   cub minutes=<whole rehearsal> peak-rss-gib=<x> step-ratio=<ours ÷ PyTorch, 224 px training step>
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const BIN = path.join(repo, 'packages/cli/bin/pixpnet.js');

/** CUB-200-2011's own sizes, for the forecast: 5,994 training and 5,794 test images. */
export const CUB = { train: 5994, test: 5794 };

/** Seconds from the CLI's durations: "45 s", "3 min 20 s", "2 h 05 min". */
export function parseDuration(text) {
  let s = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)\s*(h|min|s)\b/g)) s += Number(n) * (unit === 'h' ? 3600 : unit === 'min' ? 60 : 1);
  return s;
}

/** The stage-end lines of a log (`<stage>: d/t batches in T, R images/s`), without their time prefix. */
export function stageEnds(lines) {
  const out = [];
  for (const l of lines) {
    const m = /\]\s(.+?): (\d+)\/(\d+)(?: [a-z]+)? in (.+?)(?:, ([\d.]+) images\/s)?$/.exec(l);
    if (m) out.push({ stage: m[1], done: Number(m[2]), total: Number(m[3]), seconds: parseDuration(m[4]), imagesPerSecond: m[5] ? Number(m[5]) : undefined });
  }
  return out;
}

/** The epochs (1-based) after which the trainer pushes: the first, every `every`-th and the last. */
export function pushEpochs(epochs, every) {
  const out = new Set([1, epochs]);
  for (let e = every; e <= epochs; e += every) out.add(e);
  return [...out].sort((a, b) => a - b);
}

/**
 * Seconds of a whole run of `config` on CUB-200-2011 at the measured images/s: per epoch the augmented training split
 * and the validation split, a push over the unaugmented training split after each push epoch, and the test.
 */
export function forecast(config, rates) {
  const epochs = Number(config.train?.epochs ?? 50), every = Number(config.train?.['push-every'] ?? 10);
  const valSize = Number(config.dataset?.['val-size'] ?? 0.2), augment = Number(config.dataset?.['augment-factor'] ?? 1);
  const train = Math.round(CUB.train * (1 - valSize)), val = CUB.train - train;
  const parts = {
    train: (epochs * train * augment) / rates.train,
    validation: (epochs * val) / rates.eval,
    push: (pushEpochs(epochs, every).length * train) / rates.push,
    test: CUB.test / rates.eval,
  };
  return { ...parts, total: Object.values(parts).reduce((a, b) => a + b, 0), epochs, pushes: pushEpochs(epochs, every).length, trainImages: train * augment };
}

/** Runs `pixpnet ...args` with its output teed to `logFile` and our stderr; resolves to its wall time, log lines and peak memory. */
function pixpnet(args, logFile) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const out = fs.createWriteStream(logFile);
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PIXPNET_REPORT_MEMORY: '1', PIXPNET_LOG_EVERY_SECONDS: process.env.PIXPNET_LOG_EVERY_SECONDS ?? '30' },
    });
    let text = '';
    const take = (chunk) => {
      text += chunk;
      out.write(chunk);
      process.stderr.write(chunk);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => {
      out.end();
      const lines = text.split('\n');
      if (code !== 0) return reject(new Error(`pixpnet ${args.join(' ')} failed (exit ${code}); its log: ${logFile}`));
      const mem = lines.map((l) => /memory: peak-rss-bytes=(\d+)(?: wasm-heap-bytes=(\d+))?/.exec(l)).filter(Boolean).at(-1);
      resolve({ seconds: (performance.now() - t0) / 1000, lines, peakRss: mem ? Number(mem[1]) : undefined, wasmHeap: mem?.[2] ? Number(mem[2]) : undefined });
    });
  });
}

const gib = (b) => (b === undefined ? 'n/a' : (b / 2 ** 30).toFixed(2));
const mins = (s) => (s / 60).toFixed(1);

export async function run(argv) {
  const { values: v } = parseArgs({ args: argv, options: {
    'per-class': { type: 'string', default: '60' }, size: { type: 'string', default: '500' },
    'train-batches': { type: 'string', default: '4' }, 'test-batches': { type: 'string', default: '2' },
    'eval-images': { type: 'string', default: '64' }, 'rot-samples': { type: 'string', default: '2' },
    config: { type: 'string', default: path.join(repo, 'configs/protonets/proto-cub200224.yaml') },
    data: { type: 'string', default: path.join(repo, 'data/bench-cub') }, out: { type: 'string' },
    'torch-batch': { type: 'string', default: '16' }, 'skip-torch': { type: 'boolean', default: false },
  } });
  if (!fs.existsSync(BIN) || !fs.existsSync(path.join(repo, 'packages/cli/dist/main.js'))) {
    console.error('The CLI is not built: run `npm run build` first.');
    return 2;
  }
  const config = YAML.parse(fs.readFileSync(v.config, 'utf8'));
  const out = v.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-bench-cub-'));
  fs.mkdirSync(out, { recursive: true });
  const t0 = performance.now();
  const rows = [];
  const stage = async (name, args, images) => { // images: what the stage makes (the data's), for its rate
    const r = await pixpnet(args, path.join(out, `${name}.log`));
    rows.push({ name, ...r, images });
    return r;
  };

  // 1. the CUB-like data, generated once
  const dataDir = path.join(v.data, 'cub200224');
  if (fs.existsSync(path.join(dataDir, 'CUB_200_2011', 'images.txt'))) rows.push({ name: 'data (cached)', seconds: 0, lines: [] });
  else {
    await stage('data', ['data', 'synth', '--out', dataDir, '--layout', 'scattered', '--varied-sizes', '--classes', '200', '--per-class', v['per-class'],
      '--size', v.size, '--distractors', 'plain'], 200 * Number(v['per-class']));
  }

  // 2. training: one joint epoch of the reference's settings, limited; the push over the whole training split; the test, limited
  const logDir = path.join(out, 'logs');
  const train = await stage('train', ['train', '-c', v.config, '--dataset.root', v.data, '--model.no-pretrained', '--train.epochs', '1', '--optimizer.warmup-period', '0',
    '--train.limit-batches', v['train-batches'], '--test.limit-batches', v['test-batches'], '--eval.no-interpretability', '--log-dir', logDir, '--seed', '42']);
  const runDir = train.lines.map((l) => /Run directory (.+?): /.exec(l)?.[1]).find(Boolean);
  if (!runDir) throw new Error(`no run directory in ${path.join(out, 'train.log')}`);
  const ends = stageEnds(train.lines);
  const rate = (re) => ends.find((e) => re.test(e.stage) && e.imagesPerSecond)?.imagesPerSecond;
  const rates = { train: rate(/ joint$/), push: rate(/ push$/), eval: rate(/^test$/) ?? rate(/ validation$/) };

  // 3. what users run on a trained model
  await stage('evaluate', ['evaluate', runDir, '--limit-images', v['eval-images'], '--rot.num-samples', v['rot-samples']]);
  await stage('explain', ['explain', runDir, '--samples', '2']);
  await stage('prototypes', ['prototypes', runDir]);
  await stage('report', ['report', runDir, '--explanations', '1']);
  await stage('export', ['export', runDir]);
  const minutes = (performance.now() - t0) / 60000;

  // 4. the 224 px training step beside PyTorch's
  let stepRatio = 'n/a';
  if (!v['skip-torch']) {
    const bench = await new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(here, 'index.mjs'), 'engine', '--net', 'vgg16_bn', '--size', '224', '--batch', v['torch-batch'], '--micro-batch', '8', '--steps', '2'],
        { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (c) => { text += c; process.stdout.write(c); });
      child.on('close', () => resolve(text));
    });
    stepRatio = /engine train-ratio=([\d.]+|n\/a)/.exec(bench)?.[1] ?? 'n/a';
  }

  const peak = Math.max(...rows.map((r) => r.peakRss ?? 0));
  console.log(`\nCUB-sized rehearsal: ${path.basename(v.config)} (${config.model?.['feature-extractor']} at ${config.model?.['feature-layer']}, ${config.model?.['num-prototypes']} prototypes × ` +
    `${config.model?.['prototype-dim']}, batch ${config.train?.['batch-size']}); ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}); logs in ${out}\n`);
  console.log('| stage | wall | images/s | peak RSS GiB | wasm heap GiB |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const rot = stageEnds(r.lines).filter((e) => e.stage.startsWith('rot '));
    const ips = r.name === 'train' ? `train ${rates.train ?? 'n/a'}, push ${rates.push ?? 'n/a'}, test ${rates.eval ?? 'n/a'}`
      : r.name === 'evaluate' && rot.length ? `ROT ${(rot.reduce((a, e) => a + e.done, 0) / Math.max(1, rot.reduce((a, e) => a + e.seconds, 0))).toFixed(2)} forwards/s`
      : r.name === 'data' && r.images ? (r.images / r.seconds).toFixed(1) : '';
    console.log(`| ${r.name} | ${mins(r.seconds)} min | ${ips} | ${gib(r.peakRss)} | ${gib(r.wasmHeap)} |`);
  }
  if (rates.train && rates.push && rates.eval) {
    const f = forecast(config, rates);
    console.log(`\nForecast of a whole ${path.basename(v.config)} run on CUB-200-2011 (${CUB.train} training, ${CUB.test} test images) on this machine: ` +
      `${(f.total / 3600).toFixed(1)} h — training ${(f.train / 3600).toFixed(1)} h (${f.epochs} epochs × ${f.trainImages} augmented images), validation ${(f.validation / 3600).toFixed(1)} h, ` +
      `${f.pushes} pushes ${(f.push / 3600).toFixed(1)} h, test ${(f.test / 60).toFixed(0)} min.`);
  }
  console.log(`\ncub minutes=${minutes.toFixed(1)} peak-rss-gib=${gib(peak)} step-ratio=${stepRatio}`);
  return 0;
}
