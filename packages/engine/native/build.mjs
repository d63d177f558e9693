#!/usr/bin/env node
// Builds the engine's native kernels: `pixkern.c` -> `pixkern.wasm` (for the single-threaded wasm backend, an
// ordinary heap) and `pixkern-mt.wasm` (the threaded backend, a shared heap); see wasm-build.mjs.
//
//   node native/build.mjs            rebuild and write the binaries
//   node native/build.mjs --check    rebuild into a temp folder and compare with the committed binaries
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, sections } from './wasm-build.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The stack: none, at address 0 (any use of the C stack would trap out of bounds). */
const HEAP_FLAGS = ['-Wl,--stack-first', '-Wl,-z,stack-size=0', '-Wl,--import-memory', '-Wl,--max-memory=4294967296'];

/**
 * Refuses a binary that could write to the heap it shares with tfjs by itself: a data section (initialised at
 * instantiation), an import other than the memory, or a stack pointer that does not start at 0 (with a stack of
 * size 0 first in memory, any use of the C stack traps out of bounds instead of overwriting tfjs's data).
 */
export function checkBinary(bytes, name) {
  const all = sections(bytes);
  const ids = all.map((s) => s.id);
  if (ids.includes(11) || ids.includes(12)) throw new Error(`${name}: has a data section; the kernels must not own static data (it would overwrite tfjs's heap)`);
  const globals = all.find((s) => s.id === 6)?.payload;
  // one global, the stack pointer: mutable i32 initialised with i32.const 0
  if (globals && !Buffer.from(globals).equals(Buffer.from([1, 0x7f, 1, 0x41, 0, 0x0b]))) {
    throw new Error(`${name}: its globals are not just a stack pointer at 0 (link with --stack-first -z stack-size=0)`);
  }
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(bytes));
  if (imports.length !== 1 || imports[0].module !== 'env' || imports[0].name !== 'memory') {
    throw new Error(`${name}: imports ${JSON.stringify(imports)}; only env.memory is allowed`);
  }
}

export const CONFIG = {
  dir: here,
  source: 'pixkern.c',
  variants: [
    { file: 'pixkern.wasm', flags: HEAP_FLAGS },
    { file: 'pixkern-mt.wasm', flags: [...HEAP_FLAGS, '-matomics', '-Wl,--shared-memory'] },
  ],
  check: checkBinary,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main(CONFIG);
