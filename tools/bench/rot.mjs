// `npm run bench -- rot [--run DIR] [--samples N] [--order first|spread] [--steps K] [--methods rf,upsample,random]`: the exact relevance
// ordering test against the fast one (--rot.steps K) on the synthetic demo run (the newest finished run of
// `npm run quickstart` unless --run is given), on the same N test images (the first, or spread over the split). Prints both areas, both forward
// counts and both times per heat-map method, then `rot forwards-ratio=<exact÷fast> max-area-error=<x>`.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, log } from '@pixpnet/engine';
import { DataLoader, makeSplits, openDataset } from '@pixpnet/data';
import { microBatchSize, WASM_STEP_BUDGET } from '@pixpnet/models';
import { relevanceOrderingTest } from '@pixpnet/eval';
import { loadRun } from '@pixpnet/train';

const DEMO_RUNS = 'logs/protonet/synthparts/protonet';

function newestDemoRun() {
  if (!fs.existsSync(DEMO_RUNS)) return undefined;
  const runs = fs.readdirSync(DEMO_RUNS).map((d) => path.join(DEMO_RUNS, d)).filter((d) => fs.existsSync(path.join(d, 'results', 'scores.yaml')));
  return runs.sort().at(-1);
}

export async function run(argv) {
  const { values } = parseArgs({ args: argv, options: {
    run: { type: 'string' }, samples: { type: 'string', default: '5' }, order: { type: 'string', default: 'first' }, steps: { type: 'string', default: '33' },
    methods: { type: 'string', default: 'rf,upsample,random' }, 'batch-size': { type: 'string', default: '128' },
  } });
  const runDir = values.run ?? newestDemoRun();
  if (!runDir) {
    console.error(`No finished demo run under ${DEMO_RUNS}: run \`npm run quickstart\` first, or pass --run DIR.`);
    return 2;
  }
  const engine = await initBackend();
  const r = loadRun(runDir);
  const c = r.config;
  const ds = await openDataset(String(c['dataset.name']), String(c['dataset.root']), { parts: true });
  const test = makeSplits(ds.index.samples, { valSize: Number(c['dataset.val-size']), seed: Number(c.seed), augmentFactor: Number(c['dataset.augment-factor'] ?? 1) }).test;
  const batchSize = Number(values['batch-size']);
  const microBatch = microBatchSize(r.model, batchSize, engine.backend === 'wasm' ? WASM_STEP_BUDGET : Infinity, 'eval');
  const loader = () => new DataLoader(ds.index.samples, ds.preset, { batchSize: 32, indices: test, augment: false });
  const base = { batchSize, numSamples: Number(values.samples), sampleOrder: values.order };
  log.info(`ROT bench on ${runDir}: ${base.numSamples} test images (${values.order}), exact vs --rot.steps ${values.steps}, ${engine.backend}`);
  const rows = [];
  for (const method of values.methods.split(',')) {
    const exact = await relevanceOrderingTest(r.model, loader(), { ...base, method }, { microBatch });
    const fast = await relevanceOrderingTest(r.model, loader(), { ...base, method, steps: Number(values.steps) }, { microBatch });
    rows.push({ method, exact, fast, err: Math.abs(exact.area - fast.area) });
    log.info(`${method}: exact area ${exact.area.toFixed(4)} (${exact.seconds.toFixed(0)} s), fast ${fast.area.toFixed(4)} (${fast.seconds.toFixed(1)} s)`);
  }
  r.model.dispose();
  console.log(`\n${base.numSamples} images (${values.order}) of ${ds.key} test, ${r.model.config.inputSize.join('×')} px, ${engine.backend}${engine.threads ? ` (${engine.threads} threads)` : ''}\n`);
  console.log('| method | exact area | fast area | area error | exact forwards | fast forwards | exact s | fast s | exact pct@orig.sim | fast pct@orig.sim |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const { method, exact, fast, err } of rows) {
    console.log(`| ${method} | ${exact.area.toFixed(4)} | ${fast.area.toFixed(4)} | ${err.toFixed(4)} | ${exact.forwards} | ${fast.forwards} | ${exact.seconds.toFixed(1)} | ${fast.seconds.toFixed(1)} | ${exact.pctAtOrigSim.toFixed(1)} | ${fast.pctAtOrigSim.toFixed(1)} |`);
  }
  const ratio = rows.reduce((a, x) => a + x.exact.forwards, 0) / rows.reduce((a, x) => a + x.fast.forwards, 0);
  console.log(`\nrot forwards-ratio=${ratio.toFixed(1)} max-area-error=${Math.max(...rows.map((x) => x.err)).toFixed(4)}`);
  return 0;
}
