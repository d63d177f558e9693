import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import { ProtoNet } from '@pixpnet/models';
import { TINY_PRESET, tinyModel, tinySamples } from './tiny.testkit.js';
import { evaluateInterpretability } from './evaluate.js';
import type { EvaluationInput } from './evaluate.js';
import { renderRotPlot } from './rot/plot.js';
import { readInterpretabilityFile } from './interpretability_file.js';

let model: ProtoNet;
let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  model = tinyModel();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-eval-'));
});
afterAll(() => {
  model.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const input = (samples = tinySamples(6), resultsDir?: string): EvaluationInput => ({
  model, samples, indices: samples.map((_, i) => i), preset: TINY_PRESET, dataset: 'TINY', split: 'test', batchSize: 4, modelId: 'tiny-1',
  ...(resultsDir ? { resultsDir } : {}),
});
const rot = { steps: 5, numSamples: 3 };

describe('evaluateInterpretability', () => {
  it('writes interpretability.yaml, the ROT curves and the figure; a second run with the same parameters reads the cache', async () => {
    const results = path.join(dir, 'results');
    const before = tf.memory().numTensors;
    const first = await evaluateInterpretability(input(undefined, results), { rot });
    expect(tf.memory().numTensors).toBe(before);
    const y = YAML.parse(fs.readFileSync(path.join(results, 'interpretability.yaml'), 'utf8'));
    for (const m of ['bbox', 'upsample']) {
      for (const k of ['consistency', 'stability']) {
        expect(y[k][m].soft).toBeTypeOf('number');
        expect(y[k][m].hard).toBeTypeOf('number');
        expect(y[k][m].quantiles.soft).toHaveLength(5);
      }
    }
    for (const m of ['rf', 'upsample', 'random']) {
      expect(y.rot[m].area).toBeTypeOf('number');
      expect(y.rot[m].pctAtOrigSim).toBeTypeOf('number');
      expect(y.rot[m].forwards).toBe(3 * 2 * 5);
      const curves = JSON.parse(fs.readFileSync(path.join(results, y.rot[m].file), 'utf8'));
      expect(curves.result.agg).toHaveLength(5);
      expect(curves.identity.method).toBe(m);
    }
    expect(y.parameters.boxRadius).toBe(3); // round(36 · 16 / 224)
    expect(y.parameters.rot).toMatchObject({ steps: 5, numSamples: 3, seed: 4, zeros: false, propPixels: 1, sameClass: true });
    expect(y.consistency.bbox.soft).toBe(first.consistency!['bbox']!.soft);
    const png = await sharp(path.join(results, 'rot.png')).metadata();
    expect(png.width).toBeGreaterThan(600);
    expect(fs.readFileSync(path.join(results, 'rot.svg'), 'utf8')).toContain('mark-line');

    const again = await evaluateInterpretability(input(undefined, results), { rot, metrics: ['rot'] });
    for (const m of ['rf', 'upsample', 'random']) {
      expect(again.rot![m]!.cached).toBe(true);
      expect(again.rot![m]!.area).toBe(first.rot![m]!.area);
    }
    // another test batch size gives the same curves (only the legacy counting depends on it): still cached
    const rebatched = await evaluateInterpretability({ ...input(undefined, results), batchSize: 3 }, { rot, metrics: ['rot'], rotMethods: ['rf'] });
    expect(rebatched.rot!['rf']!.cached).toBe(true);
    const other = await evaluateInterpretability(input(undefined, results), { rot: { ...rot, seed: 5 }, metrics: ['rot'], rotMethods: ['random'] });
    expect(other.rot!['random']!.cached).toBe(false);
    expect(fs.readdirSync(path.join(results, 'rot'))).toHaveLength(4);
  });

  it('a narrower evaluation keeps the wider previous results (and their ROT figure) under a timestamped name', async () => {
    const results = path.join(dir, 'narrower');
    await evaluateInterpretability(input(undefined, results), { rot });
    const full = fs.readFileSync(path.join(results, 'interpretability.yaml'), 'utf8');
    await evaluateInterpretability(input(undefined, results), { metrics: ['consistency'], methods: ['center'] });
    const now = YAML.parse(fs.readFileSync(path.join(results, 'interpretability.yaml'), 'utf8'));
    expect(Object.keys(now.consistency)).toEqual(['center']);
    const kept = fs.readdirSync(results).filter((f) => /^interpretability\..+\.yaml$/.test(f));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(results, kept[0]!), 'utf8')).toBe(full);
    const stamp = kept[0]!.slice('interpretability.'.length, -'.yaml'.length);
    expect(fs.existsSync(path.join(results, `rot.${stamp}.png`))).toBe(true);
    expect(fs.existsSync(path.join(results, 'rot.png'))).toBe(false);
    // an evaluation computing at least what the file holds replaces it
    await evaluateInterpretability(input(undefined, results), { metrics: ['consistency'], methods: ['center', 'bbox'] });
    expect(fs.readdirSync(results).filter((f) => /^interpretability\..+\.yaml$/.test(f))).toHaveLength(1);
    // another split's evaluation keeps the test split's
    await evaluateInterpretability({ ...input(undefined, results), split: 'val' }, { metrics: ['consistency'], methods: ['center', 'bbox'] });
    expect(fs.readdirSync(results).filter((f) => /^interpretability\..+\.yaml$/.test(f))).toHaveLength(2);
  });

  it('the box radius: scaled by default, given, or the legacy 36 px', async () => {
    const o = { metrics: ['consistency' as const], methods: ['center' as const] };
    expect((await evaluateInterpretability(input(), o)).parameters['boxRadius']).toBe(3);
    expect((await evaluateInterpretability(input(), { ...o, boxRadius: 6 })).parameters['boxRadius']).toBe(6);
    expect((await evaluateInterpretability(input(), { ...o, legacyBoxRadius: true })).parameters['boxRadius']).toBe(36);
  });

  it('legacyMissingPartNan: a prototype whose class never shows a part is NaN; a NaN score is null in interpretability.yaml, which reads back', async () => {
    // class 1's images show part 0 (at (2, 2)) invisible; image 0 also annotates a part 2, never visible anywhere
    const samples = tinySamples(6);
    for (const s of samples.filter((x) => x.label === 1)) s.parts = s.parts!.map((p) => (p.partId === 0 ? { ...p, visible: false } : p));
    const o = { metrics: ['consistency' as const], methods: ['center' as const], boxRadius: 5 };
    const fixed = await evaluateInterpretability(input(samples), o);
    expect(fixed.parameters['legacyMissingPartNan']).toBe(false);
    expect(fixed.consistency!['center']!.perPrototype.soft).toEqual([1, 1, 1, 1]);
    const legacy = await evaluateInterpretability(input(samples), { ...o, legacyMissingPartNan: true });
    expect(legacy.parameters['legacyMissingPartNan']).toBe(true);
    expect(legacy.consistency!['center']!.soft).toBe(1); // class 0's prototypes only
    expect(legacy.consistency!['center']!.hard).toBe(0.5);
    expect(legacy.consistency!['center']!.perPrototype.soft.slice(2).every(Number.isNaN)).toBe(true);

    samples[0]!.parts!.push({ partId: 2, partIdOrig: 2, x: 8, y: 8, visible: false });
    const results = path.join(dir, 'missing-part');
    const none = await evaluateInterpretability(input(samples, results), { ...o, legacyMissingPartNan: true });
    expect(none.consistency!['center']!.soft).toBeNaN(); // every prototype NaN
    expect(none.consistency!['center']!.hard).toBe(0);
    const y = YAML.parse(fs.readFileSync(path.join(results, 'interpretability.yaml'), 'utf8'));
    expect(y.parameters.legacyMissingPartNan).toBe(true);
    expect(y.consistency.center.soft).toBeNull();
    expect(y.consistency.center.hard).toBe(0);
    expect(y.consistency.center.perPrototype.soft).toEqual([null, null, null, null]);
    expect(y.consistency.center.quantiles.soft).toEqual([null, null, null, null, null]);
  });

  it('part-correctness: with the class-defining parts, beside consistency for each box method, in interpretability.yaml (which reads back)', async () => {
    // class 0 defined by part 1 at (12, 12), which the centre box of radius 5 holds on every image; class 1 by part 0 at (2, 2), never in it
    const classParts = new Map([[0, new Set([1])], [1, new Set([0])]]);
    const results = path.join(dir, 'part-correctness');
    const before = tf.memory().numTensors;
    const r = await evaluateInterpretability({ ...input(undefined, results), classParts }, { metrics: ['consistency', 'part-correctness'], methods: ['center', 'bbox'], boxRadius: 5, partTopK: 4 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.partCorrectness!['center']!.perPrototype).toEqual([1, 1, 0, 0]);
    expect(r.partCorrectness!['center']!.score).toBe(0.5);
    expect(r.partCorrectness!['bbox']!.score).toBeTypeOf('number');
    expect(r.stability).toBeUndefined();
    expect(r.parameters['partTopK']).toBe(4);
    const file = path.join(results, 'interpretability.yaml');
    const y = YAML.parse(fs.readFileSync(file, 'utf8'));
    expect(y.partCorrectness.center).toEqual({ score: 0.5, quantiles: [0, 0, 0.5, 1, 1], perPrototype: [1, 1, 0, 0] });
    expect(y.parameters.partTopK).toBe(4);
    expect(readInterpretabilityFile(file, 'x')!.partCorrectness!['center']!.score).toBe(0.5);
    // by default every metric the dataset supports: part-correctness too; an evaluation without it keeps the file
    const all = await evaluateInterpretability({ ...input(), classParts }, { methods: ['center'], boxRadius: 5, rotMethods: ['rf'], rot: { steps: 3, numSamples: 1 } });
    expect(all.partCorrectness!['center']!.score).toBe(0.5);
    expect(all.skipped['part-correctness']).toBeUndefined();
    await evaluateInterpretability(input(undefined, results), { metrics: ['consistency'], methods: ['center', 'bbox'] });
    expect(fs.readdirSync(results).filter((f) => /^interpretability\..+\.yaml$/.test(f))).toHaveLength(1);
  });

  it('part-correctness needs the class-defining parts: skipped with the reason, an error when asked for', async () => {
    const r = await evaluateInterpretability(input(), { methods: ['center'], rotMethods: ['rf'], rot: { steps: 3, numSamples: 1 } });
    expect(r.partCorrectness).toBeUndefined();
    expect(r.consistency!['center']).toBeDefined();
    expect(r.skipped['part-correctness']).toMatch(/does not name the parts that define each class \(class_parts\.txt/);
    expect(r.parameters['partTopK']).toBeUndefined();
    await expect(evaluateInterpretability(input(), { metrics: ['part-correctness'] })).rejects.toThrow(/part-correctness needs the parts that define each class.*leave it out of --metrics/);
    await expect(evaluateInterpretability({ ...input(), classParts: new Map() }, { partTopK: 0 })).rejects.toThrow(/--eval\.part-top-k must be a positive whole number/);
  });

  it('a dataset without parts gets the ROT only, and says why; asking for consistency there is an error naming the fix', async () => {
    const noParts = tinySamples(4, { parts: false });
    const r = await evaluateInterpretability(input(noParts), { rot: { steps: 3, numSamples: 1 }, rotMethods: ['rf'] });
    expect(r.consistency).toBeUndefined();
    expect(r.skipped['consistency']).toMatch(/no part annotations/);
    expect(r.skipped['part-correctness']).toMatch(/no part annotations/);
    expect(r.rot!['rf']).toBeDefined();
    await expect(evaluateInterpretability(input(noParts), { metrics: ['consistency'] })).rejects.toThrow(/need part annotations.*--metrics rot/);
  });

  it('bad options and models fail before any work', async () => {
    await expect(evaluateInterpretability(input(), { methods: ['box' as never] })).rejects.toThrow(/Unknown box method 'box': choose among bbox, upsample/);
    await expect(evaluateInterpretability(input(), { rotMethods: ['gradcam'] })).rejects.toThrow(/Unknown heat-map method 'gradcam'/);
    await expect(evaluateInterpretability(input(), { metrics: ['accuracy' as never] })).rejects.toThrow(/Unknown metric 'accuracy'/);
    await expect(evaluateInterpretability(input(), { boxRadius: 4, legacyBoxRadius: true })).rejects.toThrow(/not both/);
    const shared = new ProtoNet({ backbone: 'vgg_nano_bn', featureLayer: 'maxpool1', numClasses: 2, inputSize: [16, 16], numPrototypes: 4, prototypeDim: 4, classSpecific: false });
    await expect(evaluateInterpretability({ ...input(), model: shared })).rejects.toThrow(/class-specific prototypes/);
    shared.dispose();
  });
});

describe('the ROT figure', () => {
  it('draws a line per method and the dashed mean-RF rule', async () => {
    const x = [0, 50, 100];
    const { svg, png } = await renderRotPlot([{ label: 'Ours', xPct: x, y: [0, 0.9, 1] }, { label: 'Upsample', xPct: x, y: [0, 0.5, 1] }, { label: 'Random', xPct: x, y: [0, 0.3, 1] }], 12.5);
    expect(svg.match(/<path[^>]*aria-roledescription="line mark"/g) ?? svg.match(/mark-line/g)).not.toBeNull();
    expect(svg).toContain('mark-rule');
    expect(svg).toContain('Ours');
    expect(svg).toContain('12.5 %');
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.height).toBeGreaterThan(300);
  });
});
