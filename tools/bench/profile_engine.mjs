// Kernel-level profile of one training step of the engine benchmark network:
// node tools/bench/profile_engine.mjs [batch] [size]
import { initBackend, tf } from '@pixpnet/engine';
import { buildNet } from './engine_net.mjs';

const [batch = 32, size = 64] = process.argv.slice(2).map(Number);
await initBackend();
const net = buildNet();
const x = tf.randomNormal([batch, size, size, 3]);
const y = tf.oneHot(tf.randomUniform([batch], 0, 20, 'int32'), 20);
const opt = tf.train.adam(1e-3);
const step = () => { const l = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, net.forward(x, true)), true, net.vars); l.dataSync(); l.dispose(); };
step(); step();
const t = performance.now(); step(); console.log('step ms', (performance.now() - t).toFixed(0));
const info = await tf.profile(() => { step(); });
const agg = {};
for (const k of info.kernels) { (agg[k.name] ??= { ms: 0, n: 0 }); agg[k.name].ms += k.kernelTimeMs; agg[k.name].n++; }
const rows = Object.entries(agg).sort((a, b) => b[1].ms - a[1].ms).slice(0, 20);
console.log(rows.map(([k, v]) => `${k}=${v.ms.toFixed(0)}(${v.n})`).join(' '));
