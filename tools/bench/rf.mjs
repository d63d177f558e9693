// `npm run bench -- rf [--fixtures DIR] [--runs N]`: time the receptive-field analysis of every model with a
// reference fixture (all layers, fixture size) after warm-up, beside the reference engine's `referenceSeconds`.
// `npm run bench -- rf --keras-chain N[,N...]`: time importing and analysing a Keras chain of N layers (conv + batch
// norm alternating) for each N — linear in N (it was quadratic: > 60 s for 33,000 layers).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { computeReceptiveFields, importKerasTopology, zooModel, ZOO } from '@pixpnet/symbolic';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function run(argv) {
  const { values } = parseArgs({ args: argv, options: {
    fixtures: { type: 'string', default: process.env.PIXPNET_FIXTURES ?? path.resolve(here, '../../../shared/fixtures') },
    runs: { type: 'string', default: '20' },
    'keras-chain': { type: 'string' },
  } });
  if (values['keras-chain']) return kerasChain(values['keras-chain'].split(',').map(Number));
  const dir = path.join(values.fixtures, 'rf');
  if (!fs.existsSync(dir)) {
    console.error(`No fixtures at ${dir}: pass --fixtures DIR or set PIXPNET_FIXTURES.`);
    return 2;
  }
  const rows = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const fx = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    if (!ZOO[fx.model]) continue;
    const graph = zooModel(fx.model);
    const opts = { height: fx.height, width: fx.width };
    for (let i = 0; i < 5; i++) computeReceptiveFields(graph, opts);
    const ts = [];
    for (let i = 0; i < +values.runs; i++) ts.push(computeReceptiveFields(graph, opts).elapsedMs);
    ts.sort((a, b) => a - b);
    const ms = ts[Math.floor(ts.length / 2)];
    rows.push([fx.model, `${fx.height}x${fx.width}`, ms.toFixed(2), fx.referenceSeconds?.toFixed(2) ?? 'n/a',
      fx.referenceSeconds ? Math.round((fx.referenceSeconds * 1000) / ms).toLocaleString('en') + 'x' : 'n/a']);
  }
  console.log('\n| model | input | ours ms (median) | reference s | speed-up |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  const worst = rows.reduce((a, r) => (+r[2] > +a[2] ? r : a));
  console.log(`\nrf models=${rows.length} slowest=${worst[0]} ${worst[2]}ms`);
  return 0;
}

/** Import + analysis time of Keras chains of `sizes` layers. */
function kerasChain(sizes) {
  const layer = (class_name, name, config) => ({ class_name, name, config: { name, ...config }, inbound_nodes: [] });
  console.log('\n| layers | import ms | analysis ms | µs per layer (both) |');
  console.log('|---|---|---|---|');
  for (const n of sizes) {
    const layers = [layer('InputLayer', 'in', { batch_input_shape: [null, 8, 8, 3] })];
    for (let k = 0; k < n; k++) {
      layers.push(k % 2 ? layer('BatchNormalization', `bn${k}`, {}) : layer('Conv2D', `c${k}`, { filters: 2, kernel_size: 3, padding: 'same', activation: 'relu' }));
    }
    const json = JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers } });
    const t0 = performance.now();
    const g = importKerasTopology(json);
    const t1 = performance.now();
    computeReceptiveFields(g, {});
    const t2 = performance.now();
    console.log(`| ${n.toLocaleString('en')} | ${(t1 - t0).toFixed(0)} | ${(t2 - t1).toFixed(0)} | ${(((t2 - t0) * 1000) / n).toFixed(1)} |`);
  }
  return 0;
}
