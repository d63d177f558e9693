import { afterEach, describe, expect, it, vi } from 'vitest';
import { runMain as run } from './main.testkit.js';
import type { InfoReport } from './commands/info.js';


afterEach(() => vi.restoreAllMocks());

describe('pixpnet', () => {
  it('--help lists the commands and global options', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/Usage: pixpnet/);
    expect(out).toMatch(/info \[options\]\s+print package versions/);
    expect(out).toMatch(/--backend <name>/);
  });

  it('--version prints the version', async () => {
    const { code, out } = await run('--version');
    expect(code).toBe(0);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('info reports wasm with SIMD and a thread per core, as JSON', async () => {
    const { code, out } = await run('info', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out) as InfoReport;
    expect(r.backend).toBe('wasm');
    expect(r.simd).toBe(true);
    expect(r.threads).toBeGreaterThanOrEqual(1);
    expect(r.packages['@pixpnet/engine']).toBeDefined();
    expect(r.packages['@tensorflow/tfjs-core']).toBe('4.22.0');
  });

  it('info prints a readable table', async () => {
    const { code, out } = await run('info');
    expect(code).toBe(0);
    expect(out).toMatch(/^backend\s+wasm$/m);
    expect(out).toMatch(/^SIMD\s+on$/m);
    expect(out).toMatch(/^threads\s+\d+$/m);
  });

  it('rejects an unknown backend with the choices, and names a missing one', async () => {
    const bad = await run('--backend', 'gpu', 'info');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/Allowed choices are auto, tensorflow-gpu, tensorflow, wasm, cpu/);
    const missing = await run('--backend', 'tensorflow-gpu', 'info');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/\[ERROR\] Backend 'tensorflow-gpu' is not available: @tensorflow\/tfjs-node-gpu is not installed/);
  });

  it('rejects a bad log level', async () => {
    const { code, err } = await run('--log-level', 'loud', 'info');
    expect(code).toBe(1);
    expect(err).toMatch(/Unknown log level 'loud'/);
  });
});

describe('pixpnet rf', () => {
  it('prints the fixture JSON format with Araujo values and the analysis time', async () => {
    const { code, out } = await run('rf', 'vgg16', '--size', '224', '--layer', 'maxpool4', 'maxpool5', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out) as { model: string; height: number; width: number; elapsedMs: number; layers: Record<string, Record<string, unknown>> };
    expect(r).toMatchObject({ model: 'vgg16', height: 224, width: 224 });
    expect(r.elapsedMs).toBeGreaterThan(0);
    expect(Object.keys(r.layers)).toEqual(['maxpool4', 'maxpool5']);
    expect(r.layers['maxpool4']).toMatchObject({ grid: [14, 14], product: true, channelsDiffer: false, rf: [100, 100], stride: [16, 16], padding: [42, 42] });
    expect((r.layers['maxpool5']!['rows'] as number[][]).slice(0, 3)).toEqual([[0, 122], [0, 154], [0, 186]]);
  });

  it('prints a readable table, and fields relative to an inner layer', async () => {
    const { code, out } = await run('rf', 'resnet18', '--size', '224', '--width', '160', '--insert-at', 'layer1');
    expect(code).toBe(0);
    expect(out).toMatch(/^resnet18 at 224x160: exact receptive fields in units of layer1/);
    expect(out).toMatch(/^layer2\s+28x20\s/m);
    expect(out).not.toMatch(/^maxpool\s/m);
  });

  it('explains bad input', async () => {
    expect((await run('rf', 'vgg17', '--size', '224')).err).toMatch(/Unknown model 'vgg17'. Models in the zoo: convnext_base/);
    expect((await run('rf', 'vgg16')).err).toMatch(/--size is required for zoo models/);
    expect((await run('rf', 'vgg16', '--size', 'big')).err).toMatch(/--size must be a whole number from 1 to 16384, got 'big'/);
    expect((await run('rf', 'nowhere/model.json', '--size', '224')).err).toMatch(/No such file: nowhere\/model.json/);
    expect((await run('rf', 'vgg16', '--size', '224', '--layer', 'fc9')).err).toMatch(/vgg16 has no layer 'fc9'/);
  });
});

describe('pixpnet data synth', () => {
  it('writes the synthetic dataset and prints its folder', async () => {
    const out = (await import('node:fs')).mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'cli-synth-'));
    const r = await run('data', 'synth', '--out', out, '--classes', '2', '--per-class', '2', '--size', '32', '--seed', '4');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(`${out}/CUB_200_2011`);
    expect(r.err).toMatch(/Wrote 4 images \(2 classes, 32px\)/);
    expect((await run('data', 'synth', '--out', out)).err).toMatch(/already holds a dataset/);
    expect((await run('data', 'synth')).err).toMatch(/required option '--out <dir>' not specified/);
  });
});

describe('configuration files name themselves in their errors', () => {
  it('sweep -c with YAML that does not parse, and train -c with lr: .nan', async () => {
    const fs = await import('node:fs'), path = await import('node:path'), os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-configs-'));
    const sweep = path.join(dir, 'bad-sweep.yaml');
    fs.writeFileSync(sweep, 'epochs: [1,\n');
    const r = await run('sweep', '-c', sweep);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`${sweep} is not valid YAML (`);
    const train = path.join(dir, 'nan.yaml');
    fs.writeFileSync(train, 'dataset: {name: SYNTHPARTS}\nmodel: {feature-extractor: vgg11, feature-layer: maxpool4}\noptimizer: {lr: .nan}\n');
    const t = await run('train', '-c', train);
    expect(t.code).not.toBe(0);
    expect(t.err).toMatch(/'optimizer\.lr' must be a finite number, got \.nan \(not a number\)/);
  });
});
