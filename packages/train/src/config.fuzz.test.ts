// The config loader under fast-check (the same target `npm run fuzz` runs with 10⁵ inputs): only a valid
// result or an Error naming the file is allowed.
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript shared with tools/fuzz
import * as target from '../../../tools/fuzz/config.mjs';
// @ts-expect-error -- plain JavaScript shared with tools/fuzz
import { runTarget } from '../../../tools/fuzz/harness.mjs';

describe('the YAML config loader and planRun (fuzzed)', () => {
  it('300 random and damaged configs: a valid configuration or an Error naming the file or the option, each within 2 s', async () => {
    const r = await runTarget(target, { runs: 300, seed: 42 });
    expect(r.failures, `${r.error}\n${JSON.stringify(r.counterexample)?.slice(0, 1000)}`).toBe(0);
    expect(r.runs).toBe(300);
  });
});
