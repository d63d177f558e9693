import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import { ProtoNet } from './protonet.js';
import { loadProtoNet, saveProtoNet } from './model_files.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('saving and loading a ProtoNet', () => {
  it('round-trips weights, config and push records; a mismatched weights file is refused', async () => {
    const m = new ProtoNet({ backbone: 'vgg_nano_bn', featureLayer: 'maxpool3', numClasses: 2, inputSize: [32, 32], numPrototypes: 4, prototypeDim: 8, seed: 5, readout: 'linear' });
    m.push.sampleIdxs[1] = 42;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-model-'));
    await saveProtoNet(m, dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    const back = loadProtoNet(dir);
    expect(back.push.sampleIdxs[1]).toBe(42);
    expect(back.config).toEqual(m.config);
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 9) as Tensor4D;
    const a = m.forward(x), b = back.forward(x);
    expect(Array.from(b.logits.dataSync())).toEqual(Array.from(a.logits.dataSync()));
    tf.dispose([...Object.values(a), ...Object.values(b), x]);
    fs.writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(12));
    expect(() => loadProtoNet(dir)).toThrow(/holds 12 bytes; model.json describes/);
    expect(() => loadProtoNet(os.tmpdir() + '/nothing-here')).toThrow(/No model.json in/);
    m.dispose();
    back.dispose();
  });
});
