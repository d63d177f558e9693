/** Explanation panels for a list of images: explain, fetch the prototypes' patches, draw, write. */
import path from 'node:path';
import { tf, writeAtomic } from '@pixpnet/engine';
import type { StagedFiles, Tensor4D } from '@pixpnet/engine';
import { evalTransform } from '@pixpnet/data';
import type { Sample, TransformPreset } from '@pixpnet/data';
import type { ProtoNet } from '@pixpnet/models';
import { explainImage } from './explain.js';
import type { ExplainOptions } from './explain.js';
import { denormalise } from './image.js';
import { renderExplanationPanel } from './panel.js';
import { prototypePatches } from './patches.js';

/** An image to explain. */
export interface ExplainItem {
  sample: Sample;
  /** A short name for file names and captions (e.g. the file's base name). */
  name: string;
  /** The true class, when known. */
  actual: number | null;
}

/** The numbers behind one panel (`--json`). */
export interface PanelRecord {
  image: string;
  file?: string;
  predicted: { index: number; name: string };
  actual: { index: number; name: string } | null;
  logits: number[];
  heatmap: string;
  sort: string;
  prototypes: Array<{ prototype: number; class: string | null; similarity: number; contribution: number; box: [number, number, number, number]; source: number }>;
}

/** The dataset context: the samples the push records index (prototype sources), the transform, class names. */
export interface ExplainContext {
  model: ProtoNet;
  samples: readonly Sample[];
  preset: TransformPreset;
  classNames: readonly string[];
}

/**
 * Explains and draws each item; with `outDir`, writes `explanation_<name>_<sort>_top<k>.png` there (each file
 * atomically, or into `staged` to be committed with the caller's other files).
 */
export async function explainItems(ctx: ExplainContext, items: readonly ExplainItem[], o: ExplainOptions & { outDir?: string; staged?: StagedFiles } = {}): Promise<PanelRecord[]> {
  const { model, classNames } = ctx;
  const records: PanelRecord[] = [];
  for (const item of items) {
    const t = await evalTransform(item.sample, ctx.preset);
    const [H, W] = model.config.inputSize;
    if (t.geometry.width !== W || t.geometry.height !== H) {
      throw new Error(`${item.name}: the run's transform gives ${t.geometry.width}×${t.geometry.height} pixels, the model takes ${W}×${H}.`);
    }
    const x = tf.tensor4d(t.data, [1, H, W, 3]) as Tensor4D;
    let e;
    try {
      e = await explainImage(model, x, o);
    } finally {
      x.dispose();
    }
    const patches = await prototypePatches(model, e.evidence.map((v) => v.prototype), ctx.samples, ctx.preset);
    const name = (c: number) => classNames[c] ?? `class ${c}`;
    const rec: PanelRecord = {
      image: item.name, predicted: { index: e.predicted, name: name(e.predicted) }, actual: item.actual === null ? null : { index: item.actual, name: name(item.actual) },
      logits: e.logits, heatmap: e.heatmapMethod, sort: e.sort,
      prototypes: e.evidence.map((v) => ({
        prototype: v.prototype, class: v.prototypeClass === null ? null : name(v.prototypeClass), similarity: v.similarity, contribution: v.contribution, box: v.box,
        source: model.push.sampleIdxs[v.prototype]!,
      })),
    };
    if (o.outDir) {
      const png = await renderExplanationPanel({
        image: denormalise(t.data, W, H, ctx.preset), explanation: e, patches: e.evidence.map((v) => patches.get(v.prototype) ?? null), classNames, actual: item.actual,
        caption: item.name,
      });
      const file = path.join(o.outDir, `explanation_${item.name.replace(/[^\w.-]+/g, '_')}_${e.sort}_top${e.evidence.length}.png`);
      if (o.staged) o.staged.write(file, png);
      else writeAtomic(file, png);
      rec.file = file;
    }
    records.push(rec);
  }
  return records;
}
