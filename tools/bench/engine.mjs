// `npm run bench -- engine [--net vgg6|vgg11_bn|vgg16_bn] [--steps N] [--batch B] [--micro-batch M] [--size S] [--threads T] [--skip-torch]`
// Times one training step (forward + backward + Adam) and one inference forward of the same ProtoPNet-style
// VGG network on our engine and in PyTorch (2 threads each), prints a markdown table with each side's achieved
// GFLOP/s and the machine's 128-bit SIMD ceiling, and ends with `engine train-ratio=<x.xx> infer-ratio=<y.yy>`
// (ours ÷ PyTorch). `--net vgg11_bn --size 224`: VGG-11's 8 convs at 224 px; a batch of 32 does not fit the 4 GiB
// wasm heap, so ours runs it as micro-batches (`--micro-batch`, default 8 there) whose gradients are summed before
// one Adam step, as training does.
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend, tf, log } from '@pixpnet/engine';
import { buildNet, convLayers, netConfig } from './engine_net.mjs';
import { simdPeak } from './kernels.mjs';
import { median } from './stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PY = '/usr/bin/python3';


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

/** Multiply-add flops of one forward pass over a batch (convs and the 1x1 add-on; the head is negligible). */
export function forwardGflop(net, size, batch) {
  let f = 0, s = size, c = 3;
  for (const L of convLayers(net, size)) f += 2 * L.h * L.w * L.k * L.k * L.cin * L.cout;
  for (const item of netConfig(net)) { if (item === 'M') s = Math.floor(s / 2); else c = item; }
  f += 2 * s * s * c * 128;
  return (f * batch) / 1e9;
}

function timeOurs({ net: name, size, batch, micro, steps }) {
  const net = buildNet({ cfg: netConfig(name) });
  const parts = [];
  for (let i = 0; i < batch; i += micro) {
    const n = Math.min(micro, batch - i);
    parts.push({ x: tf.randomNormal([n, size, size, 3], 0, 1, 'float32', 7 + i), y: tf.oneHot(tf.randomUniform([n], 0, 20, 'int32', 8 + i), 20) });
  }
  const opt = tf.train.adam(1e-3);
  const train = () => {
    if (parts.length === 1) {
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(parts[0].y, net.forward(parts[0].x, true)), true, net.vars);
      loss.dataSync();
      loss.dispose();
      return;
    }
    let sum;
    for (const { x, y } of parts) {
      const { value, grads } = tf.variableGrads(() => tf.mul(tf.losses.softmaxCrossEntropy(y, net.forward(x, true)), x.shape[0] / batch), net.vars);
      value.dispose();
      if (!sum) sum = grads;
      else for (const k of Object.keys(grads)) { const t = sum[k]; sum[k] = tf.add(t, grads[k]); tf.dispose([t, grads[k]]); }
    }
    opt.applyGradients(sum);
    tf.dispose(Object.values(sum));
    tf.tidy(() => net.vars[0].sum()).dataSync();
  };
  const infer = () => {
    for (const { x } of parts) {
      const out = tf.tidy(() => net.forward(x, false));
      out.dataSync();
      out.dispose();
    }
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
    net: { type: 'string', default: 'vgg6' }, steps: { type: 'string' }, batch: { type: 'string', default: '32' },
    'micro-batch': { type: 'string' }, size: { type: 'string' },
    threads: { type: 'string', default: '2' }, 'skip-torch': { type: 'boolean', default: false },
  } });
  const net = values.net;
  netConfig(net);
  const big = net !== 'vgg6';
  const size = Number(values.size ?? (big ? 224 : 64));
  const batch = Number(values.batch);
  const opts = { net, size, batch, micro: Number(values['micro-batch'] ?? (big && size > 64 ? Math.min(8, batch) : batch)),
    steps: Number(values.steps ?? (big ? 3 : 10)), threads: Number(values.threads) };
  const engine = await initBackend({ threads: opts.threads });
  const ours = timeOurs(opts);
  if (ours.numTensors > 200) log.warning(`${ours.numTensors} tensors alive after the timing: a leak?`);
  let torch;
  if (!values['skip-torch'] && ensureTorch()) {
    const out = execFileSync(PY, [path.join(here, 'engine_torch.py'), String(opts.size), String(opts.batch), String(opts.steps), String(opts.threads), net],
      { encoding: 'utf8' });
    torch = JSON.parse(out.trim().split('\n').pop());
  }
  const f = (v) => (v === undefined ? 'n/a' : v.toFixed(0));
  const r = (a, b) => (b ? (a / b).toFixed(2) : 'n/a');
  const label = `${engine.backend}${engine.simd ? ' SIMD' : ''}, ${engine.threads} thread${engine.threads === 1 ? '' : 's'}`;
  const gf = forwardGflop(net, size, batch);
  const gs = (gflop, ms) => (ms === undefined ? 'n/a' : (gflop / (ms / 1000)).toFixed(1));
  const mb = opts.micro < batch ? ` (micro-batches of ${opts.micro})` : '';
  console.log(`\n${net} ProtoPNet-style net, ${size}x${size}x3, batch ${batch}${mb}, median of ${opts.steps} steps; ` +
    `GFLOP/s counts the convs' multiply-adds (${gf.toFixed(1)} GFLOP forward, 3x that for training)\n`);
  console.log('| step | PixPNet.js (' + label + ') ms | GFLOP/s | PyTorch ' + (torch?.torch ?? '') + ` (${opts.threads} threads) ms | GFLOP/s | ratio |`);
  console.log('|---|---|---|---|---|---|');
  console.log(`| training (forward + backward + Adam) | ${f(ours.trainMs)} | ${gs(3 * gf, ours.trainMs)} | ${f(torch?.trainMs)} | ${gs(3 * gf, torch?.trainMs)} | ${r(ours.trainMs, torch?.trainMs)} |`);
  console.log(`| inference forward | ${f(ours.inferMs)} | ${gs(gf, ours.inferMs)} | ${f(torch?.inferMs)} | ${gs(gf, torch?.inferMs)} | ${r(ours.inferMs, torch?.inferMs)} |`);
  const p1 = simdPeak(1), p2 = simdPeak(engine.threads);
  if (p1) console.log(`\n128-bit SIMD ceiling of this machine (f32x4 multiplies and adds, registers only): ${p1.toFixed(1)} GFLOP/s on 1 thread, ${p2.toFixed(1)} on ${engine.threads}; per-kernel GFLOP/s: npm run bench -- kernels --net ${net}`);
  console.log(`\nengine train-ratio=${r(ours.trainMs, torch?.trainMs)} infer-ratio=${r(ours.inferMs, torch?.inferMs)}`);
  return 0;
}
