#!/usr/bin/env node
// Builds the data pipeline's native resampling loops: `imgops.c` -> `imgops.wasm` (a module with its own memory);
// see @pixpnet/engine's native/wasm-build.mjs.
//
//   node native/build.mjs            rebuild and write the binary
//   node native/build.mjs --check    rebuild into a temp folder and compare with the committed binary
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '@pixpnet/engine/native/wasm-build.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Refuses a binary that imports anything: it runs on its own memory, which it exports. */
export function checkBinary(bytes, name) {
  const m = new WebAssembly.Module(bytes);
  const imports = WebAssembly.Module.imports(m);
  if (imports.length) throw new Error(`${name}: imports ${JSON.stringify(imports)}; it must need nothing`);
  if (!WebAssembly.Module.exports(m).some((e) => e.name === 'memory' && e.kind === 'memory')) throw new Error(`${name}: exports no memory`);
}

export const CONFIG = {
  dir: here,
  source: 'imgops.c',
  variants: [{ file: 'imgops.wasm', flags: ['-Wl,--max-memory=1073741824'] }],
  check: checkBinary,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main(CONFIG);
