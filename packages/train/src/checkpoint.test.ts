import { spawnSync } from 'node:child_process';
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
    expect(() => readCheckpoint(write('c.ckpt', { pixpnet: JSON.stringify({ format: 'pixpnet-checkpoint', version: 1, config: {} }) }))).toThrow(/c\.ckpt \(its "pixpnet" metadata\) is not what it should be: lacks 'model'; lacks 'loop'; lacks 'optimizers'\. The checkpoint is damaged/);
  });

  const meta = (model: Record<string, unknown>) => JSON.stringify({
    format: 'pixpnet-checkpoint', version: 1, config: {}, optimizers: {},
    model: { backbone: 'vgg11', featureLayer: 'maxpool4', numClasses: 2, inputSize: [32, 32], numPrototypes: 2, prototypeDim: 3, ...model },
    loop: { epoch: 1, globalStep: 4, csvRows: 3, epochSeconds: [1.5], inference: { calls: 1, samples: 2, seconds: 0.1 }, seed: 7 },
  });

  it('crafted metadata is refused before any tensor is made: a billion prototypes, sizes that are not the tensors\'', () => {
    const d = dir();
    const f = path.join(d, 'epoch=1-step=4.ckpt');
    const ok = new Map([['model.prototype_vectors', { shape: [2, 3, 1, 1], data: new Float32Array(6) }], ['model.prototype_class_identity', { shape: [2, 2], data: new Float32Array(4) }]]);
    fs.writeFileSync(f, writeSafetensors(ok, { pixpnet: meta({}) }));
    expect(readCheckpoint(f).meta.model.numPrototypes).toBe(2);
    fs.writeFileSync(f, writeSafetensors(ok, { pixpnet: meta({ numPrototypes: 1e9 }) }));
    expect(() => readCheckpoint(f)).toThrow(/epoch=1-step=4\.ckpt \(its "pixpnet" metadata\) is not what it should be: 'model\.numPrototypes' must be <= 10000000, got 1000000000/);
    fs.writeFileSync(f, writeSafetensors(ok, { pixpnet: meta({ numPrototypes: 3 }) }));
    expect(() => readCheckpoint(f)).toThrow(/its metadata describes 3 prototypes of 3 channels for 2 classes, but 'model\.prototype_vectors' is \[2, 3, 1, 1\] \(expected \[3, 3, 1, 1\]\)/);
    fs.writeFileSync(f, writeSafetensors(ok, { pixpnet: meta({ inputSize: 'big' }) }));
    expect(() => readCheckpoint(f)).toThrow(/'model\.inputSize' must be array, got "big"/);
  });

  it.skipIf(process.platform === 'win32')('a FIFO or a device named as a checkpoint is refused at once, without blocking', () => {
    const d = dir();
    const fifo = path.join(d, 'epoch=1-step=4.ckpt');
    spawnSync('mkfifo', [fifo]);
    expect(() => readCheckpoint(fifo)).toThrow(/epoch=1-step=4\.ckpt should be a PixPNet checkpoint, but it is a FIFO \(named pipe\): it is not read/);
    const zero = path.join(d, 'epoch=2-step=8.ckpt');
    fs.symlinkSync('/dev/zero', zero);
    expect(() => readCheckpoint(zero)).toThrow(/epoch=2-step=8\.ckpt should be a PixPNet checkpoint, but it is a character device/);
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
