#!/usr/bin/env node
// `prepack` of every package (`npm pack` / `npm publish` run it in the package's folder):
// - copies the repository's LICENSE.md into the package, so that each tarball carries the licence (the copies are
//   gitignored);
// - refuses to pack a package that has not been built (a tarball without dist/ installs but cannot be imported);
// - refuses stale build output: every source map and declaration map in dist/ must point to a file the tarball
//   ships (src/ without tests). tsc never deletes the output of a removed or renamed source file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = process.cwd();
const { name, main } = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
const fail = (message) => {
  console.error(`${name}: ${message}`);
  process.exit(1);
};

fs.copyFileSync(path.join(root, 'LICENSE.md'), path.join(pkg, 'LICENSE.md'));
if (main && !fs.existsSync(path.join(pkg, main))) fail(`${main} is missing: build the package before packing it (npm run build at the repository root).`);

const dist = path.join(pkg, 'dist');
const unshipped = /\.test\.ts$|\.testkit\.ts$|[\\/]fixtures[\\/]/; // the `files` negations of package.json
const stale = [];
for (const f of fs.existsSync(dist) ? fs.readdirSync(dist, { recursive: true }) : []) {
  if (!String(f).endsWith('.map')) continue;
  const map = path.join(dist, String(f));
  const { sources = [], sourceRoot = '' } = JSON.parse(fs.readFileSync(map, 'utf8'));
  for (const s of sources) {
    const source = path.resolve(path.dirname(map), sourceRoot, s);
    if (!fs.existsSync(source) || unshipped.test(source) || path.relative(pkg, source).startsWith('..')) stale.push(path.relative(pkg, map));
  }
}
if (stale.length) {
  fail(`dist/ holds build output whose source is gone or not shipped (${stale.slice(0, 5).join(', ')}${stale.length > 5 ? `, … ${stale.length} in all` : ''}): `
    + 'delete dist/ and build again before packing.');
}
