import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init.js';
import { nativeKernels } from './module.js';
// @ts-expect-error: plain .mjs build scripts without types
import { CONFIG, checkBinary } from '../../native/build.mjs';
// @ts-expect-error: plain .mjs build scripts without types
import { stale, toolchain } from '../../native/wasm-build.mjs';

const VARIANTS = (CONFIG as { variants: Array<{ file: string }> }).variants;

const nativeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../native');

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 2 });
});

describe('the committed native binaries', () => {
  it.each(VARIANTS)('$file imports only the heap and owns no static data', ({ file }) => {
    expect(() => checkBinary(fs.readFileSync(path.join(nativeDir, file)), file)).not.toThrow();
  });

  const built = fs.readFileSync(path.join(nativeDir, 'toolchain.txt'), 'utf8').trim();
  const here = toolchain() as string | undefined;
  it.skipIf(here !== built)(`are what pixkern.c compiles to with ${built}${here === built ? '' : ` (skipped: this machine has ${here ?? 'no clang/wasm-ld'})`}`, () => {
    expect(stale(CONFIG)).toEqual([]);
  });
});

describe('nativeKernels', () => {
  it('runs one call split across the calling thread and a helper, with the totals of one call', () => {
    const nk = nativeKernels()!;
    expect(nk.threads).toBe(2);
    // per-channel sums of a [300, 3] matrix in the heap: rows [0, 128) on this thread, [128, 300) on the helper
    const n = 300, C = 3;
    const p = nk.malloc(4 * (n * C + 64));
    const x = Float32Array.from({ length: n * C }, (_, i) => Math.sin(i) * 100 + 0.1 * i);
    nk.heapF32().set(x, p / 4);
    const scratch = p + 4 * n * C; // per part: 2C floats, then 2C doubles (8-byte aligned)
    const part = (r0: number, r1: number, k: number) => {
      const base = scratch + k * 4 * 6 * C;
      return [0, p, 0, 0, r0, r1, C, base, base + 4 * 2 * C, base + 4 * 4 * C];
    };
    const sums = (k: number) => Array.from(new Float64Array(nk.heapF32().buffer, scratch + k * 4 * 6 * C + 4 * 2 * C, C));
    nk.run('channel_sums', [part(0, 128, 0), part(128, n, 1)]);
    const split = sums(0).map((v, c) => v + sums(1)[c]!);
    nk.run('channel_sums', [part(0, n, 0)]);
    const whole = sums(0);
    const exact = [0, 1, 2].map((c) => x.filter((_, i) => i % C === c).reduce((s, v) => s + v, 0));
    for (let c = 0; c < C; c++) {
      expect(Math.fround(split[c]!)).toBe(Math.fround(whole[c]!)); // the same float32 statistics, whatever the split
      expect(Math.abs(whole[c]! - exact[c]!) / Math.abs(exact[c]!)).toBeLessThan(1e-6);
    }
    nk.free(p);
  });

  it('refuses more parts than threads', () => {
    expect(() => nativeKernels()!.run('simd_peak', [[1], [1], [1]])).toThrow(/3 parts for 2 threads/);
  });
});

describe('the single-threaded backend', () => {
  it('loads the ordinary-heap binary and computes a filter gradient equal to the cpu backend\'s', () => {
    // a fresh process: threads are fixed when the backend first starts (needs the built package, as `npm test` makes)
    const code = `
      import { initBackend, nativeKernels, tf } from '@pixpnet/engine';
      await initBackend({ backend: 'wasm', threads: 1 });
      const x = tf.randomNormal([2, 9, 7, 5], 0, 1, 'float32', 1), dy = tf.randomNormal([2, 9, 7, 12], 0, 1, 'float32', 2);
      const run = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 5, 12] }).dataSync();
      const threads = nativeKernels()?.threads;
      const w = run();
      await tf.setBackend('cpu');
      const c = run();
      let e = 0; for (let i = 0; i < c.length; i++) e = Math.max(e, Math.abs(w[i] - c[i]) / (Math.abs(c[i]) + 1e-3));
      console.log(JSON.stringify({ threads, err: e }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', cwd: path.resolve(nativeDir, '..') });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { threads: number; err: number };
    expect(out.threads).toBe(1);
    expect(out.err).toBeLessThan(1e-4);
  });
});
