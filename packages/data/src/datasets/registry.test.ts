import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASET_KEYS, SYNTHPARTS_SCATTERED_DEFAULTS, SYNTH_DATASETS, datasetDir, datasetSpec, openDataset } from './registry.js';
import { writeSynthDataset } from '../synth/write.js';

describe('SYNTHPARTS_SCATTERED', () => {
  it('is a dataset key with a 128 px preset, read from <root>/synthparts_scattered', () => {
    expect(DATASET_KEYS).toContain('SYNTHPARTS_SCATTERED');
    const spec = datasetSpec('synthparts_scattered');
    expect(spec.key).toBe('SYNTHPARTS_SCATTERED');
    expect(spec.inputSize).toBe(128);
    expect(spec.preset).toMatchObject({ crop: 128, cropPadding: 8 });
    expect(datasetDir('/data', spec.key)).toBe(path.join('/data', 'synthparts_scattered'));
    expect(SYNTH_DATASETS['SYNTHPARTS_SCATTERED']).toBe(SYNTHPARTS_SCATTERED_DEFAULTS);
    expect(SYNTHPARTS_SCATTERED_DEFAULTS).toMatchObject({ layout: 'scattered', size: 128, classes: 200, distractors: 'plain' });
    expect(() => datasetSpec('synthparts-scattered')).toThrow(/Unknown dataset 'synthparts-scattered': set --dataset.name to one of .*SYNTHPARTS, SYNTHPARTS_SCATTERED/);
  });

  it('opens a scattered set found in its folder as it is (nothing generated over it)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-'));
    await writeSynthDataset({ out: path.join(root, 'synthparts_scattered'), classes: 2, perClass: 2, layout: 'scattered' });
    const ds = await openDataset('SYNTHPARTS_SCATTERED', root);
    expect(ds.index.name).toBe('SYNTHPARTS_SCATTERED');
    expect(ds.numClasses).toBe(2);
    expect(ds.inputSize).toBe(128);
    expect(ds.index.samples[0]!.parts).toHaveLength(15);
    await expect(openDataset('SYNTHPARTS_SCATTERED', fs.mkdtempSync(path.join(os.tmpdir(), 'registry-')), { generate: false })).rejects.toThrow(/No CUB-200-2011 dataset under .*synthparts_scattered/);
  });
});
