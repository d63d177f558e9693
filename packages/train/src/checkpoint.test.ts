import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '@pixpnet/models';
import { readCheckpoint } from './checkpoint.js';

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-ckpt-'));
const tensors = new Map([['model.prototype_vectors', { shape: [1, 2], data: Float32Array.from([1, 2]) }]]);

describe('readCheckpoint names the file and the problem', () => {
  it('metadata that is not JSON, not ours, or incomplete', () => {
    const d = dir();
    const write = (name: string, meta: Record<string, string>) => {
      const f = path.join(d, name);
      fs.writeFileSync(f, writeSafetensors(tensors, meta));
      return f;
    };
    const notJson = write('a.ckpt', { pixpnet: '{not json' });
    expect(() => readCheckpoint(notJson)).toThrow(/a\.ckpt: its "pixpnet" metadata is not JSON/);
    expect(() => readCheckpoint(write('b.ckpt', {}))).toThrow(/not a PixPNet checkpoint \(no "pixpnet" metadata\)/);
    expect(() => readCheckpoint(write('c.ckpt', { pixpnet: JSON.stringify({ format: 'pixpnet-checkpoint', version: 1, config: {} }) }))).toThrow(/c\.ckpt: its "pixpnet" metadata lacks model, loop, optimizers/);
  });

  it('a truncated checkpoint: the hint depends on whether an earlier one exists', () => {
    const d = dir();
    const only = path.join(d, 'epoch=1-step=10.ckpt');
    fs.writeFileSync(only, writeSafetensors(tensors, {}).subarray(0, 12));
    expect(() => readCheckpoint(only)).toThrow(/it is the only checkpoint of the run, so the run cannot be resumed/);
    fs.writeFileSync(path.join(d, 'epoch=0-step=5.ckpt'), 'x');
    expect(() => readCheckpoint(only)).toThrow(/move it away to resume from epoch=0-step=5\.ckpt/);
  });
});
