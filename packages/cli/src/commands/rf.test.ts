import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runMain as run } from '../main.testkit.js';


afterEach(() => vi.restoreAllMocks());

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-rf-'));
const write = (name: string, json: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(json));
  return file;
};
const layer = (class_name: string, name: string, config: Record<string, unknown>) => ({ class_name, config: { name, ...config } });
const keras = (h: number | null, w: number | null) => ({ class_name: 'Sequential', config: { name: 'small', layers: [
  layer('InputLayer', 'in', { batch_input_shape: [null, h, w, 3] }),
  layer('Conv2D', 'c1', { filters: 2, kernel_size: 3, strides: 2, padding: 'same' }),
  layer('Conv2DTranspose', 'up', { filters: 1, kernel_size: 2, strides: 3 }),
] } });

describe('pixpnet rf: input sizes', () => {
  it("analyses a model at its own input size (160×140 stays 160×140) and warns when told another", async () => {
    const file = write('fixed.json', keras(160, 140));
    const own = await run('rf', file, '--json');
    expect(own.code).toBe(0);
    expect(JSON.parse(own.out)).toMatchObject({ height: 160, width: 140 });
    const other = await run('rf', file, '--size', '200');
    expect(other.code).toBe(0);
    expect(other.out).toMatch(/^fixed at 200x140: exact receptive fields in pixels/);
    expect(other.err).toMatch(/The model's input is 160x140 \(layer 'in'\); analysing it at 200x140 as asked/);
    // a transposed convolution of stride 3 over a stride-2 map: 3 units per 2 pixels, shown to 3 decimals
    expect(other.out).toMatch(/^up\s+300x210\s+\S+\s+0\.667\s/m);
  });

  it('requires --size only where the input size is free, and bounds it', async () => {
    const free = write('free.json', keras(null, null));
    expect((await run('rf', free)).err).toMatch(/The model does not fix its input size \(layer 'in' leaves the height free\): give --size/);
    expect((await run('rf', free, '--size', '30', '--json')).out).toMatch(/"height":30,"width":30/);
    expect((await run('rf', 'vgg16')).err).toMatch(/--size is required for zoo models: vgg16 takes any input size/);
    expect((await run('rf', 'vgg16', '--size', '300000')).err).toMatch(/--size must be a whole number from 1 to 16384, got '300000'/);
  });
});

describe('pixpnet rf on a pixpnet export model.json', () => {
  const exported = (config: Record<string, unknown>) => ({ format: 'pixpnet-protonet', version: 1, config, push: { sampleIdxs: [], fmapIdxs: [] }, weightsManifest: [] });

  it('analyses its backbone up to its cut, at the export\'s input size', async () => {
    const file = write('model.json', exported({ backbone: 'vgg11', featureLayer: 'maxpool3', inputSize: [64, 48], numClasses: 2 }));
    const r = await run('rf', file, '--json');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/model.json is a PixPNet ProtoNet export: analysing its backbone vgg11 up to its cut maxpool3 at 64x48/);
    const report = JSON.parse(r.out) as { model: string; height: number; width: number; layers: Record<string, { grid: number[] }> };
    expect(report).toMatchObject({ model: 'vgg11', height: 64, width: 48 });
    const names = Object.keys(report.layers);
    expect(names[names.length - 1]).toBe('maxpool3');
    expect(names).not.toContain('maxpool4');
    expect(report.layers['maxpool3']!.grid).toEqual([8, 6]);
  });

  it('says what is wrong with a broken export', async () => {
    const file = write('broken.json', exported({ featureLayer: 'maxpool3' }));
    expect((await run('rf', file)).err).toMatch(/broken.json is a PixPNet ProtoNet export \(format pixpnet-protonet\) but its config lacks backbone, featureLayer or inputSize/);
    const cut = write('cut.json', exported({ backbone: 'vgg11', featureLayer: 'layer9', inputSize: [64, 64] }));
    expect((await run('rf', cut)).err).toMatch(/its cut layer 'layer9' is not a layer of vgg11/);
  });
});
