#!/usr/bin/env node
// Regenerates docs/explanation-panel.png, the panel the root README shows: `pixpnet explain` on the newest
// quickstart run (or --run DIR), test image --index (default 0 of the seeded draw), top 3 prototypes, then
// quantised to a small palette PNG.
//
//   npm run quickstart && node tools/docs/readme_panel.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values: o } = parseArgs({ options: { run: { type: 'string' }, seed: { type: 'string', default: '3' } } });
const runs = path.join(root, 'logs/protonet/synthparts/protonet');
const runDir = o.run ?? (fs.existsSync(runs) ? fs.readdirSync(runs).map((d) => path.join(runs, d)).filter((d) => fs.existsSync(path.join(d, 'results/scores.yaml'))).sort().at(-1) : undefined);
if (!runDir) {
  console.error('No finished quickstart run: run `npm run quickstart` first, or pass --run DIR.');
  process.exit(2);
}
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-panel-'));
const r = spawnSync(process.execPath, [path.join(root, 'packages/cli/bin/pixpnet.js'), 'explain', runDir, '--samples', '1', '--seed', o.seed, '--top-k', '3', '--out', out, '--json'],
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (r.status !== 0) process.exit(r.status ?? 1);
const [rec] = JSON.parse(r.stdout);
const target = path.join(root, 'docs/explanation-panel.png');
await sharp(rec.file).png({ palette: true, colours: 128, compressionLevel: 9 }).toFile(target);
console.log(`${target} (${(fs.statSync(target).size / 1024).toFixed(0)} KiB): ${rec.image}, predicted ${rec.predicted.name}, from ${runDir}`);
