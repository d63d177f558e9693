// Building PixPNet's native kernels (C to wasm32 with 128-bit SIMD) with Debian's clang and wasm-ld
// (`apt-get install clang lld`), shared by the packages that have them (`native/build.mjs` of each). The binaries
// are committed beside their source, so installing PixPNet needs no compiler; `toolchain.txt` records the compiler
// that made them, and each package's tests rebuild them where that compiler exists and check the bytes are equal.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Flags of every build: optimised, SIMD, no libc, every warning an error, no float contraction (exact results). */
export const COMMON_FLAGS = ['--target=wasm32', '-O3', '-msimd128', '-mbulk-memory', '-ffp-contract=off', '-nostdlib',
  '-ffreestanding', '-Wall', '-Wextra', '-Werror', '-Wl,--no-entry', '-Wl,--strip-all'];

/** The first line of `clang --version`, or undefined when clang or wasm-ld is missing. */
export function toolchain() {
  const clang = spawnSync('clang', ['--version'], { encoding: 'utf8' });
  const ld = spawnSync('wasm-ld', ['--version'], { encoding: 'utf8' });
  if (clang.status !== 0 || ld.status !== 0) return undefined;
  return clang.stdout.split('\n')[0].trim();
}

/** The sections of a wasm binary: id (1 type, 2 import, 6 global, 11 data, 12 data count) and payload. */
export function sections(bytes) {
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
 * A package's native build: `config` = { dir, source, variants: [{ file, flags }], check(bytes, name) }.
 * `build(config, outDir)` compiles every variant into `outDir` and checks each binary.
 */
export function build(config, outDir) {
  for (const v of config.variants) {
    const out = path.join(outDir, v.file);
    execFileSync('clang', [...COMMON_FLAGS, ...v.flags, '-o', out, path.join(config.dir, config.source)], { stdio: 'inherit' });
    config.check(fs.readFileSync(out), v.file);
  }
}

/** The files of `config` that differ from a rebuild (an empty list: the committed binaries are current). */
export function stale(config) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-native-'));
  try {
    build(config, tmp);
    return config.variants.map((v) => v.file).filter((f) => !fs.readFileSync(path.join(tmp, f)).equals(fs.readFileSync(path.join(config.dir, f))));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The command line of a package's `native/build.mjs`: rebuild and write, or `--check` against a rebuild. */
export function main(config, argv = process.argv.slice(2)) {
  const tc = toolchain();
  if (!tc) {
    console.error('native/build.mjs: clang and wasm-ld are needed (Debian: apt-get install clang lld).');
    process.exit(1);
  }
  if (argv.includes('--check')) {
    const diff = stale(config);
    if (diff.length) {
      console.error(`native/build.mjs: ${diff.join(', ')} differ from a rebuild of ${config.source} with ${tc}: run node native/build.mjs and commit`);
      process.exit(1);
    }
    console.log(`native binaries match a rebuild with ${tc}`);
    return;
  }
  build(config, config.dir);
  fs.writeFileSync(path.join(config.dir, 'toolchain.txt'), tc + '\n');
  console.log(`built ${config.variants.map((v) => v.file).join(', ')} with ${tc}`);
}
