import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs build scripts without types
import { CONFIG, checkBinary } from '../../native/build.mjs';
// @ts-expect-error: plain .mjs build scripts without types
import { stale, toolchain } from '@pixpnet/engine/native/wasm-build.mjs';

const nativeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../native');

describe('the committed native binary', () => {
  it('imports nothing and exports its memory', () => {
    expect(() => checkBinary(fs.readFileSync(path.join(nativeDir, 'imgops.wasm')), 'imgops.wasm')).not.toThrow();
  });

  const built = fs.readFileSync(path.join(nativeDir, 'toolchain.txt'), 'utf8').trim();
  const here = toolchain() as string | undefined;
  it.skipIf(here !== built)(`is what imgops.c compiles to with ${built}${here === built ? '' : ` (skipped: this machine has ${here ?? 'no clang/wasm-ld'})`}`, () => {
    expect(stale(CONFIG)).toEqual([]);
  });
});
