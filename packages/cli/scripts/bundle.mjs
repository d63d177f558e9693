// Bundles the exported page's script (browser/app.ts) with esbuild into dist/browser/app.js, and copies the tfjs
// wasm binaries beside it. Node built-ins the engine imports for Node only are stubbed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '../dist/browser');
const stubs = {
  'node:os': 'export default { cpus: () => [], availableParallelism: () => 1 };',
  'node:module': 'export function createRequire() { return () => { throw new Error("not in a browser"); }; }',
};
await build({
  entryPoints: [path.join(here, '../browser/app.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true,
  outfile: path.join(out, 'app.js'), logLevel: 'warning', legalComments: 'none',
  plugins: [{
    name: 'node-stubs',
    setup(b) {
      b.onResolve({ filter: /^node:(os|module)$/ }, (a) => ({ path: a.path, namespace: 'stub' }));
      b.onResolve({ filter: /^(node:)?(worker_threads|fs|path|url|crypto|util)$/ }, (a) => ({ path: a.path, namespace: 'stub' }));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, (a) => ({ contents: stubs[a.path] ?? 'export default {};', loader: 'js' }));
    },
  }],
});
const wasmDir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
fs.mkdirSync(path.join(out, 'wasm'), { recursive: true });
for (const f of fs.readdirSync(path.join(wasmDir, 'dist')).filter((f) => f.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, 'dist', f), path.join(out, 'wasm', f));
