// Renders the sample grid of the synthetic parts dataset shown in packages/data/README.md:
// node tools/data/synth_grid.mjs [out.png]   (after npm run build)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { readCub, writeSynthDataset } from '@pixpnet/data';

const out = process.argv[2] ?? 'packages/data/docs/synth-grid.png';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-grid-'));
await writeSynthDataset({ out: dir, classes: 6, perClass: 6, size: 96, seed: 3 });
const ds = readCub(dir);
const tiles = ds.samples.map((s, i) => ({ input: s.path, left: (i % 6) * 96, top: Math.floor(i / 6) * 96 }));
await sharp({ create: { width: 576, height: 576, channels: 3, background: '#fff' } }).composite(tiles).png().toFile(out);
fs.rmSync(dir, { recursive: true, force: true });
console.log(`wrote ${out}: one row per class (${ds.classNames.join('; ')})`);
