#!/usr/bin/env node
// Builds the native kernels from source: `pixkern.c` -> `pixkern.wasm` (for the single-threaded wasm backend, an
// ordinary heap) and `pixkern-mt.wasm` (the threaded backend, a shared heap), with Debian's clang and wasm-ld
// (`apt-get install clang lld`). The binaries are committed beside the source, so installing PixPNet needs no
// compiler; `toolchain.txt` records the compiler that made them, and a test rebuilds them where that compiler
// exists and checks the bytes are equal.
//
//   node native/build.mjs            rebuild and write the binaries
//   node native/build.mjs --check    rebuild into a temp folder and compare with the committed binaries
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE = path.join(here, 'pixkern.c');
export const VARIANTS = [
  { file: 'pixkern.wasm', flags: [] },
  { file: 'pixkern-mt.wasm', flags: ['-matomics', '-Wl,--shared-memory'] },
];
const COMMON = ['--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-nostdlib', '-ffreestanding', '-Wall', '-Wextra',
  '-Werror', '-Wl,--no-entry', '-Wl,--stack-first', '-Wl,-z,stack-size=0', '-Wl,--import-memory', '-Wl,--max-memory=4294967296', '-Wl,--strip-all'];

/** The first line of `clang --version`, or undefined when clang or wasm-ld is missing. */
export function toolchain() {
  const clang = spawnSync('clang', ['--version'], { encoding: 'utf8' });
  const ld = spawnSync('wasm-ld', ['--version'], { encoding: 'utf8' });
  if (clang.status !== 0 || ld.status !== 0) return undefined;
  return clang.stdout.split('\n')[0].trim();
}

/** The sections of a wasm binary: id (1 type, 2 import, 6 global, 11 data, 12 data count) and payload. */
function sections(bytes) {
  const out = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size = 0, shift = 0, b;
    do { b = bytes[p++]; size |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    out.push({ id, payload: bytes.subarray(p, p + size) });
    p += size;
  }
  return out;
}

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

/** Compiles every variant into `outDir`. */
export function build(outDir) {
  for (const v of VARIANTS) {
    const out = path.join(outDir, v.file);
    execFileSync('clang', [...COMMON, ...v.flags, '-o', out, SOURCE], { stdio: 'inherit' });
    checkBinary(fs.readFileSync(out), v.file);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const tc = toolchain();
  if (!tc) {
    console.error('native/build.mjs: clang and wasm-ld are needed (Debian: apt-get install clang lld).');
    process.exit(1);
  }
  if (process.argv.includes('--check')) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixkern-'));
    try {
      build(tmp);
      const diff = VARIANTS.filter((v) => !fs.readFileSync(path.join(tmp, v.file)).equals(fs.readFileSync(path.join(here, v.file))));
      if (diff.length) {
        console.error(`native/build.mjs: ${diff.map((v) => v.file).join(', ')} differ from a rebuild of pixkern.c with ${tc}: run node native/build.mjs and commit`);
        process.exit(1);
      }
      console.log(`native binaries match a rebuild with ${tc}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  } else {
    build(here);
    fs.writeFileSync(path.join(here, 'toolchain.txt'), tc + '\n');
    console.log(`built ${VARIANTS.map((v) => v.file).join(', ')} with ${tc}`);
  }
}
