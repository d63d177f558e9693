// `npm run bench -- data [--images N] [--workers W]`: images per second of decode + resize + augment (the
// CUB200224 training pipeline of spec §5.2) for our DataLoader and for torchvision/PIL (Debian
// python3-torchvision, installed with apt when missing) on the same JPEG files, in one run.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { initBackend, log, tf } from '@pixpnet/engine';
import { DataLoader, PRESETS } from '@pixpnet/data';

const here = path.dirname(fileURLToPath(import.meta.url));
const PY = '/usr/bin/python3';

function ensureTorchvision() {
  const has = () => spawnSync(PY, ['-c', 'import torchvision'], { stdio: 'ignore' }).status === 0;
  if (has()) return true;
  log.info('python3-torchvision is missing: installing it with apt-get');
  const apt = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (apt(['update']).status !== 0 || apt(['install', '-y', '--no-install-recommends', 'python3-torchvision']).status !== 0) return false;
  return has();
}

export async function run(argv) {
  const { values } = parseArgs({ args: argv, options: { images: { type: 'string', default: '192' }, workers: { type: 'string', default: '2' } } });
  const n = +values.images;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-data-'));
  const files = [];
  for (let i = 0; i < n; i++) {
    // CUB-like 500×375 JPEGs: smooth noise and a few shapes
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="500" height="375"><rect width="500" height="375" fill="hsl(${(i * 37) % 360},40%,60%)"/>` +
      `<circle cx="${100 + (i * 13) % 300}" cy="180" r="${40 + (i % 50)}" fill="hsl(${(i * 71) % 360},60%,40%)"/></svg>`;
    const f = path.join(dir, `img_${i}.jpg`);
    await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toFile(f);
    files.push(f);
  }
  await initBackend();
  const samples = files.map((p, i) => ({ id: i, path: p, label: 0, train: true }));
  const time = async (loader) => {
    const t = performance.now();
    let k = 0;
    for await (const b of loader) { k += b.indices.length; tf.dispose([b.x, b.y]); }
    return (k / (performance.now() - t)) * 1000;
  };
  // our loader gets as many workers as torchvision's (--workers)
  const workers = +values.workers;
  const cold = await time(new DataLoader(samples, PRESETS.CUB200224, { batchSize: 32, shuffle: true, augment: true, cache: false, concurrency: 8, numWorkers: workers }));
  const cached = new DataLoader(samples, PRESETS.CUB200224, { batchSize: 32, shuffle: true, augment: true, concurrency: 8, numWorkers: workers });
  await time(cached);
  const warm = await time(cached);
  let torch;
  if (ensureTorchvision()) {
    const list = path.join(dir, 'files.txt');
    fs.writeFileSync(list, files.join('\n'));
    torch = JSON.parse(execFileSync(PY, [path.join(here, 'data_torch.py'), list, values.workers], { encoding: 'utf8' }).trim().split('\n').pop());
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const f = (v) => (v === undefined ? 'n/a' : v.toFixed(1));
  console.log(`\nCUB200224 training pipeline (decode 500x375 JPEG, resize 510, augment, crop 384, 224x224), ${n} images\n`);
  console.log('| loader | images/s |');
  console.log('|---|---|');
  console.log(`| PixPNet.js DataLoader, first epoch (decode) | ${f(cold)} |`);
  console.log(`| PixPNet.js DataLoader, later epochs (decoded-image cache) | ${f(warm)} |`);
  console.log(`| torchvision ${torch?.torchvision ?? ''} + PIL, ${values.workers} workers | ${f(torch?.imgsPerSec)} |`);
  console.log(`\ndata ours=${f(cold)} cached=${f(warm)} torch=${f(torch?.imgsPerSec)} img/s`);
  return 0;
}
