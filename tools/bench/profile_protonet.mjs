// Kernel-level profile of one PixPNet training step (the demo's network by default):
// node tools/bench/profile_protonet.mjs [batch] [size] [backbone] [layer]
import { initBackend, tf } from '@pixpnet/engine';
import { ProtoNet } from '@pixpnet/models';
import { GroupedOptimizer, protoLosses } from '@pixpnet/train';

const args = process.argv.slice(2);
const [batch, size] = [Number(args[0] ?? 32), Number(args[1] ?? 64)];
const [backbone, layer] = [args[2] ?? 'vgg_nano_bn', args[3] ?? 'maxpool3'];
await initBackend();
const m = new ProtoNet({ backbone, featureLayer: layer, numClasses: 10, inputSize: [size, size], numPrototypes: 50, prototypeDim: 32, distance: 'cosine' });
const opt = new GroupedOptimizer(m, { name: 'adam', lr: 1e-3 });
const x = tf.randomNormal([batch, size, size, 3]);
const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
const step = () => {
  const { value, grads } = tf.variableGrads(() => {
    const o = m.forward(x, { training: true });
    return protoLosses(m, o.logits, o.minDistances, y, { cluster: 0.8, separation: 0.08 }).total;
  }, m.trainableVariables());
  opt.apply(grads);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
};
step(); step();
const t = performance.now(); for (let k = 0; k < 5; k++) step(); console.log("step ms (mean of 5)", ((performance.now() - t) / 5).toFixed(0));
const info = await tf.profile(() => { step(); });
const agg = {};
for (const k of info.kernels) { (agg[k.name] ??= { ms: 0, n: 0 }); agg[k.name].ms += k.kernelTimeMs; agg[k.name].n++; }
const rows = Object.entries(agg).sort((a, b) => b[1].ms - a[1].ms).slice(0, 24);
console.log(rows.map(([k, v]) => `${k}=${v.ms.toFixed(0)}(${v.n})`).join(' '));
