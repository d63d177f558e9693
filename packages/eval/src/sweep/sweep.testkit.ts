/** Test helper (not built): small synthetic sweep CSVs in `pixpnet sweep`'s format and in the reference's. */
import { SWEEP_COLUMNS } from './csv.js';
import { zooPatchPcts } from '@pixpnet/symbolic';

/** The reference's stages per model, with their `Stage #` (1-based position in the module sequence). */
export const STAGES: Record<string, Array<[string, number]>> = {
  vgg11: [['conv1', 2], ['maxpool1', 3], ['maxpool2', 6], ['maxpool3', 11], ['maxpool4', 16], ['maxpool5', 21], ['avgpool', 22], ['classifier', 23]],
  vgg16_bn: [['conv1', 3], ['maxpool1', 7], ['maxpool2', 14], ['maxpool3', 24], ['maxpool4', 34], ['maxpool5', 44], ['avgpool', 45], ['classifier', 46]],
  resnet18: [['conv1', 3], ['maxpool', 4], ['layer1', 5], ['layer2', 6], ['layer3', 7], ['layer4', 8], ['avgpool', 9], ['fc', 10]],
  densenet121: [['conv0', 1], ['norm0', 2], ['relu0', 3], ['pool0', 4], ['denseblock1', 5], ['transition1', 6], ['denseblock2', 7], ['norm5', 13]],
};

/** A made-up but plausible accuracy: rising with the log of the patch %, a little lower for some models. */
export function syntheticAccuracy(model: string, stageIndex: number, patchPct: number): number {
  const base = 0.25 + 0.16 * Math.log10(patchPct * 10);
  const offset = { vgg11: 0, vgg16_bn: 0.03, resnet18: 0.015, densenet121: -0.01 }[model] ?? 0;
  const wobble = 0.012 * Math.sin(stageIndex * 2.3 + model.length);
  return Math.min(0.99, Math.max(0.1, Number((base + offset + wobble).toFixed(4))));
}

/** Rows of a synthetic sweep on `dataset` at `size` px: every stage of {@link STAGES}. */
export function syntheticRows(dataset = 'synthparts', size = 64, models = Object.keys(STAGES)): Array<Record<string, string | number>> {
  return models.flatMap((model) => {
    const stages = STAGES[model]!;
    const pct = zooPatchPcts(model, size, size, stages.map(([s]) => s));
    return stages.map(([stage, n], i) => {
      const acc = syntheticAccuracy(model, i, pct[stage]!);
      return {
        Model: model, 'Stage #': n, 'Stage Name': stage, Dataset: dataset, Height: size, Width: size,
        'Test Accuracy Epoch': acc, 'Test Accuracy Top5 Epoch': Math.min(1, Number((acc + 0.2).toFixed(4))),
        'Patch % of Image': pct[stage]!, Params: 1000 * (i + 1), 'MACs per Image': 50000 * (i + 1), 'Train Seconds': 12.5,
        Backend: 'wasm', Pretrained: 'false', Note: '', Sweep: 'abc123',
      };
    });
  });
}

/** The rows as CSV text with `columns` (default: `pixpnet sweep`'s, in its order). */
export function csvText(rows: ReadonlyArray<Record<string, string | number>>, columns: readonly string[] = SWEEP_COLUMNS): string {
  const cell = (v: string | number) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return [columns, ...rows.map((r) => columns.map((c) => r[c] ?? ''))].map((r) => r.map(cell).join(',') + '\n').join('');
}
