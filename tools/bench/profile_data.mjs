// Per-step cost of the CUB200224 training pipeline in one thread (no workers): decode, the prepare resize, each
// augmentation step at full size, the whole augmentation as run (regions), downsample, normalise.
// node tools/bench/profile_data.mjs [images]   (after npm run build; reads the built internal modules)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { PRESETS, augment, gaussianBlur, adjustSharpness, warp, fromPoints, compose } from '@pixpnet/data';
import { prepareImage, normalise } from '../../packages/data/dist/transforms/eval.js';
import { resample, flipX } from '../../packages/data/dist/transforms/resample.js';
import { median } from './stats.mjs';

const n = +(process.argv[2] ?? 48);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-data-'));
const files = [];
for (let i = 0; i < n; i++) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="500" height="375"><rect width="500" height="375" fill="hsl(${(i * 37) % 360},40%,60%)"/>` +
    `<circle cx="${100 + (i * 13) % 300}" cy="180" r="${40 + (i % 50)}" fill="hsl(${(i * 71) % 360},60%,40%)"/></svg>`;
  files.push(path.join(dir, `img_${i}.jpg`));
  await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toFile(files[i]);
}
const p = PRESETS.CUB200224;
let seed = 1;
const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const rows = [];
const time = async (name, f, reps = n) => {
  for (let i = 0; i < 3; i++) await f(i);
  const ts = [];
  for (let i = 0; i < reps; i++) { const t = performance.now(); await f(i); ts.push(performance.now() - t); }
  rows.push([name, median(ts)]);
};
await time('decode (sharp)', (i) => sharp(files[i % n], { failOn: 'error' }).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer());
await time('decode + resize to 510 (prepareImage)', (i) => prepareImage({ id: i, path: files[i % n], label: 0 }, p));
const img = (await prepareImage({ id: 0, path: files[0], label: 0 }, p)).rgb;
const { w, h } = img, about = (m) => compose([1, 0, w / 2, 0, 1, h / 2, 0, 0, 1], compose(m, [1, 0, -w / 2, 0, 1, -h / 2, 0, 0, 1]));
const a = 0.2;
await time('  rotation, nearest, whole image (p 1/3)', () => warp(img, about([Math.cos(a), Math.sin(a), 0, -Math.sin(a), Math.cos(a), 0, 0, 0, 1]), w, h, 'nearest'));
await time('  perspective, bilinear, whole image (p 1/3)', () => warp(img, fromPoints([[0, 0], [w, 0], [w, h], [0, h]], [[20, 10], [w - 30, 5], [w - 10, h - 40], [25, h - 7]]), w, h, 'bilinear'));
await time('  shear, nearest, whole image (p 1/3)', () => warp(img, about([1, -0.1, 0, 0, 1, 0, 0, 0, 1]), w, h, 'nearest'));
await time('  Gaussian blur, whole image (p 0.1)', () => gaussianBlur(img, 2));
await time('  sharpness, whole image (p 0.1)', () => adjustSharpness(img, 1.5));
await time('  flip, whole image (p 0.5)', () => flipX(img));
await time('  random resized crop 600x480 -> 384', () => resample(img, 384, 384, [10, 10, 600, 480]));
await time('augmentation as run (each step only where the crop reads)', () => augment(img, rand, { crop: 384 }), 200);
const crop = augment(img, rand, { crop: 384 }).image;
await time('downsample 384 -> 224', () => resample(crop, 224, 224));
const small = resample(crop, 224, 224);
await time('normalise 224', () => normalise(small, p));
fs.rmSync(dir, { recursive: true, force: true });
console.log(`\nCUB200224 training pipeline, one thread, median ms per call (${n} images)\n`);
console.log('| step | ms |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v.toFixed(2)} |`);
