import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hfUrl, loadPretrained, resolvePretrained } from './pretrained.js';
import { writeSafetensors } from './safetensors.js';
import { createProtoNet } from '../protonet/create.js';
import { Backbone } from '../backbone.js';
import { exportStateDict } from '../state_dict.js';
import { initBackend } from '@pixpnet/engine';

const bytes = writeSafetensors(new Map([
  ['pre_logits.fc1.weight', { shape: [2, 1, 1, 1], data: Float32Array.from([1, 2]) }],
  ['features.0.bias', { shape: [2], data: Float32Array.from([3, 4]) }],
]));
const digest = createHash('sha256').update(bytes).digest('hex');
let server: http.Server;
let base = '';
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/w.safetensors' || req.url === '/org/repo/resolve/main/model.safetensors') {
      res.writeHead(200, { 'content-length': String(bytes.length), 'x-linked-etag': `"${digest}"` });
      res.end(Buffer.from(bytes));
    } else if (req.url === '/short.safetensors') {
      res.writeHead(200, { 'content-length': String(bytes.length) });
      res.write(Buffer.from(bytes.subarray(0, 10)));
      setTimeout(() => res.destroy(), 20); // the connection drops early
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const tmpCache = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-cache-'));

describe('pretrained weights', () => {
  it('downloads once into the cache, verifies the SHA-256, and reads timm names as torchvision\'s', async () => {
    const cache = tmpCache();
    const file = await resolvePretrained(`${base}/w.safetensors`, { cacheDir: cache, progress: false });
    expect(fs.readFileSync(file)).toEqual(Buffer.from(bytes));
    expect(fs.readFileSync(`${file}.sha256`, 'utf8').trim()).toBe(digest);
    const n = hits.length;
    expect(await resolvePretrained(`${base}/w.safetensors`, { cacheDir: cache, progress: false })).toBe(file);
    expect(hits.length).toBe(n); // served from the cache
    const dict = await loadPretrained(`${base}/w.safetensors`, { cacheDir: cache, progress: false });
    expect([...dict.keys()]).toEqual(['classifier.0.weight', 'features.0.bias']);
    expect(fs.readdirSync(cache).filter((f) => f.includes('.part-'))).toEqual([]);
  });

  it('builds a ProtoNet from pretrained backbone weights in a local file, and names a wrong file', async () => {
    await initBackend({ backend: 'wasm' });
    const src = new Backbone('vgg_nano_bn', { seed: 11 });
    const file = path.join(tmpCache(), 'nano.safetensors');
    fs.writeFileSync(file, writeSafetensors(exportStateDict(src)));
    const m = await createProtoNet({ backbone: 'vgg_nano_bn', featureLayer: 'maxpool2', numClasses: 2, inputSize: [32, 32], numPrototypes: 2, prototypeDim: 4, pretrained: file });
    expect(Array.from(m.backbone.variable('features.0.weight').dataSync())).toEqual(Array.from(src.variable('features.0.weight').dataSync()));
    m.dispose();
    src.dispose();
    const wrong = path.join(tmpCache(), 'w.safetensors');
    fs.writeFileSync(wrong, bytes);
    await expect(createProtoNet({ backbone: 'vgg_nano_bn', featureLayer: 'maxpool2', numClasses: 2, inputSize: [32, 32], numPrototypes: 2, prototypeDim: 4, pretrained: wrong }))
      .rejects.toThrow(/Cannot load the weights into vgg_nano_bn: missing keys/);
  });

  it('resolves hf: references against the endpoint', async () => {
    expect(hfUrl('hf:timm/vgg16_bn.tv_in1k')).toBe('https://huggingface.co/timm/vgg16_bn.tv_in1k/resolve/main/model.safetensors');
    expect(hfUrl('hf:org/repo/sub/w.safetensors', 'http://x')).toBe('http://x/org/repo/resolve/main/sub/w.safetensors');
    const file = await resolvePretrained('hf:org/repo', { cacheDir: tmpCache(), hfEndpoint: base, progress: false });
    expect(fs.statSync(file).size).toBe(bytes.length);
    expect(() => hfUrl('hf:lonely')).toThrow(/use hf:<org>\/<repo>/);
  });

  it('leaves nothing behind on a bad download and says what went wrong', async () => {
    const cache = tmpCache();
    await expect(resolvePretrained(`${base}/missing.safetensors`, { cacheDir: cache, progress: false })).rejects.toThrow(/HTTP 404/);
    await expect(resolvePretrained(`${base}/short.safetensors`, { cacheDir: cache, progress: false })).rejects.toThrow(/cut short|terminated|closed|aborted/i);
    await expect(resolvePretrained(`${base}/w.safetensors`, { cacheDir: cache, progress: false, sha256: '0'.repeat(64) })).rejects.toThrow(/is corrupt: SHA-256/);
    expect(fs.readdirSync(cache)).toEqual([]);
    await expect(resolvePretrained('/no/such/weights.safetensors')).rejects.toThrow(/Pretrained weights not found: \/no\/such\/weights.safetensors/);
  });
});
