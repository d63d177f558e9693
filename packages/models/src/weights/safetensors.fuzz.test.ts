// The safetensors reader under fast-check (the same target `npm run fuzz` runs with 10⁵ inputs): only a valid
// result or an Error naming the file is allowed.
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript shared with tools/fuzz
import * as target from '../../../../tools/fuzz/safetensors.mjs';
// @ts-expect-error -- plain JavaScript shared with tools/fuzz
import { runTarget } from '../../../../tools/fuzz/harness.mjs';

describe('readSafetensors (fuzzed)', () => {
  it('500 random and damaged files: a valid result or an Error naming the file, each within 2 s', async () => {
    const r = await runTarget(target, { runs: 500, seed: 42 });
    expect(r.failures, `${r.error}\n${JSON.stringify(r.counterexample)?.slice(0, 1000)}`).toBe(0);
    expect(r.runs).toBe(500);
  });
});
