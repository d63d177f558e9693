// Renders the sample grids of the synthetic parts dataset shown in packages/data/README.md (after npm run build):
//   node tools/data/synth_grid.mjs [out.png]                        centred layout: six classes, one per row
//   node tools/data/synth_grid.mjs --layout scattered [out.png]     scattered layout (as SYNTHPARTS_SCATTERED): four classes
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { readCub, writeSynthDataset } from '@pixpnet/data';

const args = process.argv.slice(2);
const scattered = args.includes('--layout') && args[args.indexOf('--layout') + 1] === 'scattered';
const rest = args.filter((a, i) => a !== '--layout' && args[i - 1] !== '--layout');
const out = rest[0] ?? (scattered ? 'packages/data/docs/synth-scattered-grid.png' : 'packages/data/docs/synth-grid.png');
const [n, size] = scattered ? [4, 128] : [6, 96];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-grid-'));
await writeSynthDataset(scattered ? { out: dir, classes: n, perClass: n, size, seed: 1, layout: 'scattered', distractors: 'plain' }
  : { out: dir, classes: n, perClass: n, size, seed: 3 });
const ds = readCub(dir);
const tiles = ds.samples.map((s, i) => ({ input: s.path, left: (i % n) * size, top: Math.floor(i / n) * size }));
await sharp({ create: { width: n * size, height: n * size, channels: 3, background: '#fff' } }).composite(tiles).png().toFile(out);
fs.rmSync(dir, { recursive: true, force: true });
console.log(`wrote ${out}: one row per class (${ds.classNames.join('; ')})`);
