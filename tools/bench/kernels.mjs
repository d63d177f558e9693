// `npm run bench -- kernels [--net vgg6|vgg11_bn] [--size S] [--batch B] [--reps N]`
// Times, per conv layer of the benchmark network, the forward conv (XNNPACK), the input gradient and the filter
// gradient on our engine, in GFLOP/s, beside the machine's 128-bit SIMD ceiling measured with the native
// module's `simd_peak` loop (the instruction mix of the kernels: f32x4 multiplies and adds, registers only).
import { parseArgs } from 'node:util';
import { initBackend, nativeKernels, tf } from '@pixpnet/engine';
import { convLayers } from './engine_net.mjs';
import { median } from './stats.mjs';


function time(fn, reps) {
  tf.dispose(fn());
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const r = fn();
    (Array.isArray(r) ? r : [r]).forEach((x) => x.dataSync());
    ts.push(performance.now() - t);
    tf.dispose(r);
  }
  return median(ts);
}

/** GFLOP/s of 128-bit SIMD multiply+add on `threads` threads (each runs the loop; wall time of the slowest). */
export function simdPeak(threads) {
  const nk = nativeKernels();
  if (!nk) return undefined;
  const iters = 2_000_000; // 64 flops each
  const parts = Array.from({ length: Math.min(threads, nk.threads) }, () => [iters]);
  // V8 runs a wasm function's first calls in its baseline compiler: the best of many calls is the optimised code
  let best = Infinity;
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    nk.run('simd_peak', parts);
    best = Math.min(best, performance.now() - t);
  }
  return (parts.length * iters * 64) / (best / 1000) / 1e9;
}

/** One row per conv layer: shape and GFLOP/s of forward, input gradient and filter gradient. */
export function kernelTable({ net, size, batch, reps }) {
  const rows = [];
  for (const L of convLayers(net, size)) {
    const { h, w, cin, cout, k, stride } = L;
    const x = tf.randomNormal([batch, h, w, cin], 0, 1, 'float32', 1);
    const f = tf.randomNormal([k, k, cin, cout], 0, 0.1, 'float32', 2);
    const pad = Math.floor(k / 2);
    const ci = tf.backend_util.computeConv2DInfo(x.shape, f.shape, stride, 1, pad);
    const dy = tf.randomNormal([batch, ci.outHeight, ci.outWidth, cout], 0, 1, 'float32', 3);
    const attrs = { strides: [stride, stride], pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const flops = 2 * batch * ci.outHeight * ci.outWidth * k * k * cin * cout;
    const fwd = time(() => tf.conv2d(x, f, stride, pad), reps);
    const dx = time(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, { ...attrs, inputShape: x.shape }), reps);
    const dw = time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: f.shape }), reps);
    rows.push({ layer: `${h}x${w} ${cin}->${cout} k${k}${stride > 1 ? ` s${stride}` : ''}`, gflop: flops / 1e9, fwd, dx, dw });
    tf.dispose([x, f, dy]);
  }
  return rows;
}

export async function run(argv) {
  const { values } = parseArgs({ args: argv, options: {
    net: { type: 'string', default: 'vgg6' }, size: { type: 'string' }, batch: { type: 'string', default: '32' },
    reps: { type: 'string', default: '5' }, threads: { type: 'string', default: '2' },
  } });
  const net = values.net;
  const size = Number(values.size ?? (net === 'vgg6' ? 64 : 224));
  const batch = Number(values.batch);
  const engine = await initBackend({ threads: Number(values.threads) });
  const rows = kernelTable({ net, size, batch, reps: Number(values.reps) });
  const g = (gflop, ms) => (gflop / (ms / 1000)).toFixed(1);
  console.log(`\n${net} conv layers at ${size}px, batch ${batch}, ${engine.backend}, ${engine.threads} threads: GFLOP/s (ms)\n`);
  console.log('| layer | GFLOP | forward (XNNPACK) | input gradient | filter gradient |');
  console.log('|---|---|---|---|---|');
  let tot = { gflop: 0, fwd: 0, dx: 0, dw: 0 };
  for (const r of rows) {
    console.log(`| ${r.layer} | ${r.gflop.toFixed(2)} | ${g(r.gflop, r.fwd)} (${r.fwd.toFixed(0)}) | ${g(r.gflop, r.dx)} (${r.dx.toFixed(0)}) | ${g(r.gflop, r.dw)} (${r.dw.toFixed(0)}) |`);
    tot = { gflop: tot.gflop + r.gflop, fwd: tot.fwd + r.fwd, dx: tot.dx + r.dx, dw: tot.dw + r.dw };
  }
  console.log(`| all | ${tot.gflop.toFixed(2)} | ${g(tot.gflop, tot.fwd)} (${tot.fwd.toFixed(0)}) | ${g(tot.gflop, tot.dx)} (${tot.dx.toFixed(0)}) | ${g(tot.gflop, tot.dw)} (${tot.dw.toFixed(0)}) |`);
  const p1 = simdPeak(1), p2 = simdPeak(engine.threads);
  if (p1) console.log(`\n128-bit SIMD ceiling (f32x4 mul + add, registers only): ${p1.toFixed(1)} GFLOP/s on 1 thread, ${p2.toFixed(1)} on ${engine.threads}`);
  console.log(`\nkernels forward=${g(tot.gflop, tot.fwd)} input-grad=${g(tot.gflop, tot.dx)} filter-grad=${g(tot.gflop, tot.dw)} peak=${p2?.toFixed(1) ?? 'n/a'} GFLOP/s`);
  return 0;
}
