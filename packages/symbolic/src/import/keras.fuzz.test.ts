// The Keras importer and the analysis under fast-check (issue #12): random and corrupted topologies end in a sane
// report or an Error naming the problem. A bounded run here; `node tools/fuzz/keras.mjs` runs 100,000 inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types, shared with the standalone fuzz runner
import { checkInput, kerasProperty } from '../../../../tools/fuzz/keras.mjs';
import { importKerasTopology } from './keras.js';
import { computeReceptiveFields } from '../rf/analyze.js';

const api = { importKerasTopology, computeReceptiveFields };

describe('fuzzing importKerasTopology + computeReceptiveFields', () => {
  it('every random or corrupted topology gives a sane report or an Error naming the problem (2,000 inputs)', () => {
    fc.assert(kerasProperty(api), { numRuns: 2000, seed: 12 });
  });

  it('the property tells disallowed outcomes apart', () => {
    const thrower = (e: unknown) => ({ importKerasTopology: () => { throw e; }, computeReceptiveFields });
    const input = { json: {}, options: {} };
    expect(checkInput(thrower(new TypeError("Cannot read properties of undefined (reading 'x')")), input)).toMatch(/^TypeError/);
    expect(checkInput(thrower(new RangeError('Maximum call stack size exceeded')), input)).toMatch(/^RangeError/);
    expect(checkInput(thrower('a string'), input)).toMatch(/non-Error/);
    expect(checkInput(thrower(new Error("Layer 'c' (Conv2D): padding 'x' is not supported")), input)).toBeNull();
  });
});
