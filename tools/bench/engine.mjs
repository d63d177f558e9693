// `npm run bench -- engine [--steps N] [--batch B] [--size S] [--threads T] [--skip-torch]`
// Times one training step (forward + backward + Adam) and one inference forward of the same ProtoPNet-style
// VGG network on our engine and in PyTorch (2 threads each), prints a markdown table, and ends with
// `engine train-ratio=<x.xx> infer-ratio=<y.yy>` (ours ÷ PyTorch).
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, tf, log } from '@pixpnet/engine';
import { buildNet } from './engine_net.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PY = '/usr/bin/python3';

const median = (a) => { const s = [...a].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; };

/** Makes Debian's python3-torch available, installing it with apt when it is missing. */
export function ensureTorch() {
  const has = () => spawnSync(PY, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  if (has()) return true;
  log.info('python3-torch is missing: installing it with apt-get (Debian package, about 1 GB)');
  const apt = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (apt(['update']).status !== 0 || apt(['install', '-y', '--no-install-recommends', 'python3-torch']).status !== 0) {
    log.error('Could not install python3-torch with apt-get (run as root on Debian, or install it yourself).');
    return false;
  }
  return has();
}

function timeOurs({ size, batch, steps, threads }) {
  const net = buildNet();
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 7);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 20, 'int32', 8), 20);
  const opt = tf.train.adam(1e-3);
  const train = () => {
    const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, net.forward(x, true)), true, net.vars);
    loss.dataSync();
    loss.dispose();
  };
  const infer = () => {
    const out = tf.tidy(() => net.forward(x, false));
    out.dataSync();
    out.dispose();
  };
  const result = {};
  for (const [name, fn] of [['infer', infer], ['train', train]]) {
    fn();
    const ts = [];
    for (let i = 0; i < steps; i++) { const t = performance.now(); fn(); ts.push(performance.now() - t); }
    result[name + 'Ms'] = median(ts);
  }
  result.numTensors = tf.memory().numTensors;
  return result;
}

export async function run(argv) {
  const { values } = parseArgs({ args: argv, options: {
    steps: { type: 'string', default: '10' }, batch: { type: 'string', default: '32' }, size: { type: 'string', default: '64' },
    threads: { type: 'string', default: '2' }, 'skip-torch': { type: 'boolean', default: false },
  } });
  const opts = { steps: +values.steps, batch: +values.batch, size: +values.size, threads: +values.threads };
  const engine = await initBackend({ threads: opts.threads });
  const ours = timeOurs(opts);
  let torch;
  if (!values['skip-torch'] && ensureTorch()) {
    const out = execFileSync(PY, [path.join(here, 'engine_torch.py'), String(opts.size), String(opts.batch), String(opts.steps), String(opts.threads)],
      { encoding: 'utf8' });
    torch = JSON.parse(out.trim().split('\n').pop());
  }
  const f = (v) => (v === undefined ? 'n/a' : v.toFixed(0));
  const r = (a, b) => (b ? (a / b).toFixed(2) : 'n/a');
  const label = `${engine.backend}${engine.simd ? ' SIMD' : ''}, ${engine.threads} thread${engine.threads === 1 ? '' : 's'}`;
  console.log(`\nVGG6 ProtoPNet-style net, ${opts.size}x${opts.size}x3, batch ${opts.batch}, median of ${opts.steps} steps\n`);
  console.log('| step | PixPNet.js (' + label + ') ms | PyTorch ' + (torch?.torch ?? '') + ` (${opts.threads} threads) ms | ratio |`);
  console.log('|---|---|---|---|');
  console.log(`| training (forward + backward + Adam) | ${f(ours.trainMs)} | ${f(torch?.trainMs)} | ${r(ours.trainMs, torch?.trainMs)} |`);
  console.log(`| inference forward | ${f(ours.inferMs)} | ${f(torch?.inferMs)} | ${r(ours.inferMs, torch?.inferMs)} |`);
  console.log(`\nengine train-ratio=${r(ours.trainMs, torch?.trainMs)} infer-ratio=${r(ours.inferMs, torch?.inferMs)}`);
  return 0;
}
