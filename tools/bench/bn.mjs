// `npm run bench -- bn [--net vgg16_bn] [--cut maxpool5] [--size 224] [--batch 16] [--micro-batch 8] [--steps 2]`
// The cost of batch norm over the whole batch in a micro-batched training step (`--train.batch-norm whole-batch`,
// the backbone node by node over the micro-batches) against per-micro-batch statistics (`micro-batch`): one
// forward + backward of a zoo backbone with a small head, median of --steps after a warm-up step. Last line:
//   bn whole-batch-ms=<x> micro-batch-ms=<y> ratio=<x ÷ y>
import { parseArgs } from 'node:util';
import { initBackend, rows, tf } from '@pixpnet/engine';
import { Backbone, layerwiseGradients } from '@pixpnet/models';
import { median } from './stats.mjs';

export async function run(argv) {
  const { values: v } = parseArgs({ args: argv, options: {
    net: { type: 'string', default: 'vgg16_bn' }, cut: { type: 'string', default: 'maxpool5' }, size: { type: 'string', default: '224' },
    batch: { type: 'string', default: '16' }, 'micro-batch': { type: 'string', default: '8' }, steps: { type: 'string', default: '2' },
  } });
  const engine = await initBackend();
  const [size, batch, micro, steps] = [Number(v.size), Number(v.batch), Number(v['micro-batch']), Number(v.steps)];
  const backbone = new Backbone(v.net, { cut: v.cut, seed: 1 });
  const C = backbone.outChannels(v.cut);
  const w = tf.variable(tf.randomNormal([C, 10], 0, 0.05, 'float32', 2), true, 'bench-bn-head');
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10);
  const vars = backbone.trainableVariables();
  const head = (f, start, len) => tf.mul(tf.losses.softmaxCrossEntropy(rows(y, start, len), tf.matMul(tf.mean(f, [1, 2]), w)), len / batch);
  const whole = () => {
    const { grads } = layerwiseGradients(backbone, x, micro, head, vars, [w]);
    tf.dispose(Object.values(grads));
  };
  const perMicro = () => {
    let sum;
    for (let s = 0; s < batch; s += micro) {
      const len = Math.min(micro, batch - s);
      const xs = rows(x, s, len);
      const { value, grads } = tf.variableGrads(() => head(backbone.forward(xs, { training: true })[v.cut], s, len), [...vars, w]);
      value.dispose();
      xs.dispose();
      if (!sum) sum = grads;
      else for (const k of Object.keys(grads)) { const t = sum[k]; sum[k] = tf.add(t, grads[k]); tf.dispose([t, grads[k]]); }
    }
    tf.dispose(Object.values(sum));
  };
  const time = (fn) => {
    fn();
    const ts = [];
    for (let i = 0; i < steps; i++) { const t = performance.now(); fn(); ts.push(performance.now() - t); }
    return median(ts);
  };
  const microMs = time(perMicro), wholeMs = time(whole);
  console.log(`\n${v.net} cut at ${v.cut}, ${size} px, batch ${batch} in micro-batches of ${micro}; ${engine.backend}, ${engine.threads} threads; median of ${steps} steps\n`);
  console.log('| batch norm | ms per step |');
  console.log('|---|---|');
  console.log(`| per micro-batch (micro-batch) | ${microMs.toFixed(0)} |`);
  console.log(`| over the whole batch (whole-batch) | ${wholeMs.toFixed(0)} |`);
  console.log(`\nbn whole-batch-ms=${wholeMs.toFixed(0)} micro-batch-ms=${microMs.toFixed(0)} ratio=${(wholeMs / microMs).toFixed(2)}`);
  return 0;
}
