#!/usr/bin/env node
// `prepack` of every package (`npm pack` / `npm publish` run it in the package's folder): copies the repository's
// LICENSE.md into the package, so that each tarball carries the licence (the copies are gitignored), and refuses to
// pack a package that has not been built (a tarball without dist/ installs but cannot be imported).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = process.cwd();
fs.copyFileSync(path.join(root, 'LICENSE.md'), path.join(pkg, 'LICENSE.md'));
const { name, main } = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8'));
if (main && !fs.existsSync(path.join(pkg, main))) {
  console.error(`${name}: ${main} is missing: build the package before packing it (npm run build at the repository root).`);
  process.exit(1);
}
