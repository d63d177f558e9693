import { initBackend, tf } from '@pixpnet/engine';
import { loadRun } from '@pixpnet/train';
import { openDataset, makeSplits, DataLoader } from '@pixpnet/data';
import { partMetrics, relevanceOrderingTest } from '@pixpnet/eval';
await initBackend();
const run = loadRun(process.argv[2]);
const c = run.config;
const ds = await openDataset(c['dataset.name'], c['dataset.root'], { parts: true });
const splits = makeSplits(ds.index.samples, { valSize: c['dataset.val-size'], seed: c.seed, augmentFactor: c['dataset.augment-factor'] });
const mk = () => new DataLoader(ds.index.samples, ds.preset, { batchSize: c['test.batch-size'] ?? 32, indices: splits.test, augment: false });
let t = performance.now();
const pm = await partMetrics(run.model, mk(), { methods: ['bbox', 'upsample', 'heatmap_max', 'center'] });
console.log('parts', ((performance.now() - t) / 1000).toFixed(1), 's', pm.boxRadius, pm.images);
for (const [m, v] of Object.entries(pm.consistency)) console.log('cons', m, v.soft.toFixed(3), v.hard.toFixed(3), 'stab', pm.stability[m].soft.toFixed(3), pm.stability[m].hard.toFixed(3));
const steps = process.argv[3] ? Number(process.argv[3]) : 40, ns = Number(process.argv[4] ?? 10);
for (const method of ['rf', 'upsample', 'random']) {
  const r = await relevanceOrderingTest(run.model, mk(), { method, batchSize: 64, steps, numSamples: ns });
  console.log(method, 'area', r.area.toFixed(4), 'pct', r.pctAtOrigSim.toFixed(1), 'forwards', r.forwards, r.seconds.toFixed(1), 's', (r.seconds / r.forwards * 1000).toFixed(2), 'ms/fwd');
}
console.log(tf.memory().numTensors);
