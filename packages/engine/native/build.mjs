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
  '-Werror', '-Wl,--no-entry', '-Wl,--import-memory', '-Wl,--max-memory=4294967296', '-Wl,--strip-all'];

/** The first line of `clang --version`, or undefined when clang or wasm-ld is missing. */
export function toolchain() {
  const clang = spawnSync('clang', ['--version'], { encoding: 'utf8' });
  const ld = spawnSync('wasm-ld', ['--version'], { encoding: 'utf8' });
  if (clang.status !== 0 || ld.status !== 0) return undefined;
  return clang.stdout.split('\n')[0].trim();
}

/** The section ids of a wasm binary (1 type, 2 import, ..., 11 data, 12 data count). */
function sectionIds(bytes) {
  const ids = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size = 0, shift = 0, b;
    do { b = bytes[p++]; size |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    ids.push(id);
    p += size;
  }
  return ids;
}

/**
 * Refuses a binary that would write to the heap it shares with tfjs by itself: a data section (initialised at
 * instantiation), or an import other than the memory.
 */
export function checkBinary(bytes, name) {
  const ids = sectionIds(bytes);
  if (ids.includes(11) || ids.includes(12)) throw new Error(`${name}: has a data section; the kernels must not own static data (it would overwrite tfjs's heap)`);
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
