#!/usr/bin/env node
// "This looks like that" from a script: train the seconds-long dummy configuration on the embedded synthetic parts
// set (or reuse a finished run), then explain three test images and write the panels (spec §8).
//
//   npm run build
//   node examples/explain.mjs                                  # trains configs/protonets/proto-synthparts-dummy.yaml into ./logs
//   node examples/explain.mjs --run logs/protonet/synthparts/protonet/<timestamp> --out panels
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { lastValueFrom, share } from 'rxjs';
import { initBackend } from '@pixpnet/engine';
import { makeSplits, openDataset } from '@pixpnet/data';
import { explainItems } from '@pixpnet/eval';
import { attachWriters, loadRun, resolveConfig, train } from '@pixpnet/train';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: o } = parseArgs({ options: {
  run: { type: 'string' }, out: { type: 'string', default: 'explanations' }, images: { type: 'string', default: '3' },
  'log-dir': { type: 'string', default: 'logs/protonet' }, 'data-root': { type: 'string', default: 'data' },
} });
await initBackend(); // wasm with one thread per core here; tfjs-node(-gpu) when installed

// 1. a finished run: the one given, or a fresh dummy run (about 20 s on 2 cores)
let runDir = o.run;
if (!runDir) {
  const yaml = fs.readFileSync(path.join(here, '../configs/protonets/proto-synthparts-dummy.yaml'), 'utf8');
  const config = resolveConfig(yaml, { 'log-dir': o['log-dir'], 'dataset.root': o['data-root'], 'eval.interpretability': false }, 'proto-synthparts-dummy.yaml');
  const events = train({ config }).pipe(share()); // train() is cold: share one run between the subscribers
  attachWriters(events); // metrics.csv, TensorBoard, results/*.yaml: what loadRun reads
  let end;
  events.subscribe((e) => { if (e.type === 'runEnd') end = e; });
  await lastValueFrom(events);
  runDir = end.runDir;
  console.log(`trained ${runDir}: test accuracy ${(end.scores.test_accuracy * 100).toFixed(1)} %`);
}

// 2. its model, dataset and test split, exactly as training made them
const run = loadRun(runDir);
const c = run.config;
const ds = await openDataset(c['dataset.name'], c['dataset.root']);
const test = makeSplits(ds.index.samples, { valSize: c['dataset.val-size'], seed: c.seed, augmentFactor: c['dataset.augment-factor'] }).test;

// 3. explain a few test images: the top prototypes, the exact receptive field of their best cells, heat maps,
//    contributions; one PNG panel each
const items = test.slice(0, Number(o.images)).map((i) => ({ sample: ds.index.samples[i], name: `test${i}`, actual: ds.index.samples[i].label }));
const records = await explainItems({ model: run.model, samples: ds.index.samples, preset: ds.preset, classNames: ds.index.classNames }, items, { topK: 4, outDir: o.out });
for (const r of records) {
  console.log(`${r.image}: predicted ${r.predicted.name} (actual ${r.actual.name}); top prototypes ` +
    r.prototypes.map((p) => `#${p.prototype} (${p.class}, similarity ${p.similarity.toFixed(2)}, contribution ${p.contribution.toFixed(2)})`).join(', '));
  console.log(`  → ${r.file}`);
}
run.model.dispose();
