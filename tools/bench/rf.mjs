// `npm run bench -- rf [--fixtures DIR] [--runs N]`: time the receptive-field analysis of every model with a
// reference fixture (all layers, fixture size) after warm-up, beside the reference engine's `referenceSeconds`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { computeReceptiveFields, zooModel, ZOO } from '@pixpnet/symbolic';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function run(argv) {
  const { values } = parseArgs({ args: argv, options: {
    fixtures: { type: 'string', default: process.env.PIXPNET_FIXTURES ?? path.resolve(here, '../../../shared/fixtures') },
    runs: { type: 'string', default: '20' },
  } });
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
