import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init.js';
import { nativeKernels } from './module.js';
// @ts-expect-error: a plain .mjs build script without types
import { VARIANTS, build, checkBinary, toolchain } from '../../native/build.mjs';

const nativeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../native');

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 2 });
});

describe('the committed native binaries', () => {
  it.each(VARIANTS as Array<{ file: string }>)('$file imports only the heap and owns no static data', ({ file }) => {
    expect(() => checkBinary(fs.readFileSync(path.join(nativeDir, file)), file)).not.toThrow();
  });

  const built = fs.readFileSync(path.join(nativeDir, 'toolchain.txt'), 'utf8').trim();
  const here = toolchain() as string | undefined;
  it.skipIf(here !== built)(`are what pixkern.c compiles to with ${built}${here === built ? '' : ` (skipped: this machine has ${here ?? 'no clang/wasm-ld'})`}`, () => {
    const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'pixkern-test-'));
    try {
      build(tmp);
      for (const { file } of VARIANTS as Array<{ file: string }>) {
        expect(fs.readFileSync(path.join(tmp, file)).equals(fs.readFileSync(path.join(nativeDir, file))), file).toBe(true);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('nativeKernels', () => {
  it('runs one call split across the calling thread and a helper', () => {
    const nk = nativeKernels()!;
    expect(nk.threads).toBe(2);
    // two rows of sums over a [4, 3] matrix in the heap, one range per thread
    const p = nk.malloc(4 * 64);
    const heap = () => nk.heapF32().subarray(p / 4, p / 4 + 64);
    heap().set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const part = (r0: number, r1: number, at: number) => [0, p, 0, 0, r0, r1, 3, p + 4 * at, p + 4 * (at + 6), p + 4 * (at + 9)];
    nk.run('channel_sums', [part(0, 2, 16), part(2, 4, 32)]);
    expect(Array.from(heap().subarray(22, 25))).toEqual([1 + 4, 2 + 5, 3 + 6]);
    expect(Array.from(heap().subarray(38, 41))).toEqual([7 + 10, 8 + 11, 9 + 12]);
    nk.free(p);
  });

  it('refuses more parts than threads', () => {
    expect(() => nativeKernels()!.run('simd_peak', [[1], [1], [1]])).toThrow(/3 parts for 2 threads/);
  });
});
