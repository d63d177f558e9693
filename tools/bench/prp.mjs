// `npm run bench -- prp [--runs N] [--maps K]`: ms per PRP map (one image, one prototype) for ResNet-18 and VGG-11
// ProtoNets at 224 px on our engine, beside one forward+backward of the same model (the gradient of the summed
// similarities with respect to the input). A map is computed `K` at a time for one image (one forward, K backward
// passes) and alone; the goal is a map ≤ 2 forward+backward passes.
import { parseArgs } from 'node:util';
import { initBackend, tf } from '@pixpnet/engine';
import { ProtoNet } from '@pixpnet/models';
import { prpHeatmaps } from '@pixpnet/prp';
import { median } from './stats.mjs';

function time(f, runs) {
  f(); // warm-up
  const ts = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

export async function run(argv) {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '5' }, maps: { type: 'string', default: '10' } } });
  const runs = +values.runs, K = +values.maps;
  const engine = await initBackend();
  const rows = [];
  for (const [backbone, featureLayer] of [['resnet18', 'layer3'], ['vgg11', 'maxpool4']]) {
    const model = new ProtoNet({ backbone, featureLayer, numClasses: 10, inputSize: [224, 224], numPrototypes: 100, prototypeDim: 64, seed: 1 });
    const x = tf.randomNormal([1, 224, 224, 3], 0, 1, 'float32', 3);
    const fb = time(() => tf.tidy(() => tf.grad((a) => tf.sum(model.forward(a).maxSimilarities))(x).dataSync()), runs);
    const one = time(() => prpHeatmaps(model, x, [7]), runs);
    const many = time(() => prpHeatmaps(model, x, Array.from({ length: K }, (_, k) => k * 10)), Math.max(1, Math.ceil(runs / 2))) / K;
    rows.push([`${backbone} ${featureLayer}`, fb.toFixed(0), one.toFixed(0), many.toFixed(0), (one / fb).toFixed(2), (many / fb).toFixed(2)]);
    x.dispose();
    model.dispose();
  }
  console.log(`\nPRP at 224 px, batch 1, ${engine.backend}${engine.threads ? ` (${engine.threads} threads)` : ''}, median of ${runs} runs`);
  console.log(`\n| model | forward+backward ms | 1 map ms | per map, ${K} maps of one image, ms | 1 map / f+b | per map / f+b |`);
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log(`\nprp worst-map-ratio=${Math.max(...rows.map((r) => +r[4])).toFixed(2)} worst-amortised-ratio=${Math.max(...rows.map((r) => +r[5])).toFixed(2)}`);
  return 0;
}
