/**
 * Do pushed prototypes sit on the parts that define their class? For each prototype, its receptive field (spec
 * §1.6) in its source image, and the visible part keypoint nearest to the field's centre (parts mapped into model
 * input pixels, spec §6.1). A hit is a nearest part that defines the prototype's class. Chance is the rate a
 * uniformly random visible part of the same image would score.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CUB_PART_MERGE, evalTransform, mapParts } from '@pixpnet/data';
import type { DatasetIndex, MappedPart, TransformPreset } from '@pixpnet/data';
import type { ProtoNet } from '@pixpnet/models';

/** One prototype's verdict. */
export interface PrototypeGrounding {
  prototype: number;
  sample: number;
  /** Merged part id nearest to the receptive field's centre (−1: no visible part). */
  nearestPart: number;
  hit: boolean;
  /** Share of the image's visible parts that define the class. */
  chance: number;
}

/** Summary over the pushed prototypes. */
export interface GroundingResult {
  prototypes: number;
  hits: number;
  /** hits / prototypes. */
  rate: number;
  /** Mean chance rate. */
  chance: number;
  perPrototype: PrototypeGrounding[];
}

/**
 * The class-defining parts of the synthetic dataset: `class_parts.txt` (`<class id> <CUB part id>`, 1-based) as
 * 0-based class → merged part ids.
 */
export function readClassParts(cubRoot: string): Map<number, Set<number>> {
  const file = [path.join(cubRoot, 'CUB_200_2011', 'class_parts.txt'), path.join(cubRoot, 'class_parts.txt')].find((f) => fs.existsSync(f));
  if (!file) throw new Error(`No class_parts.txt under ${cubRoot}: only the synthetic parts dataset (pixpnet data synth) names its class-defining parts.`);
  const out = new Map<number, Set<number>>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [c, p] = line.trim().split(/\s+/).map(Number);
    if (c === undefined || p === undefined || Number.isNaN(c) || Number.isNaN(p)) continue;
    const merged = CUB_PART_MERGE[p - 1];
    if (merged === undefined) throw new Error(`${file}: part id ${p} is not a CUB part (1–15).`);
    if (!out.has(c - 1)) out.set(c - 1, new Set());
    out.get(c - 1)!.add(merged);
  }
  return out;
}

/** Scores every pushed prototype of `model` (samples are indices into `index.samples`, which must carry parts). */
export async function prototypePartGrounding(model: ProtoNet, index: DatasetIndex, preset: TransformPreset, classParts: Map<number, Set<number>>): Promise<GroundingResult> {
  const P = model.config.numPrototypes;
  const [, Wz] = model.latentGrid;
  const per: PrototypeGrounding[] = [];
  const partsBySample = new Map<number, MappedPart[]>();
  for (let j = 0; j < P; j++) {
    const s = model.push.sampleIdxs[j]!;
    if (s < 0) continue;
    const sample = index.samples[s];
    if (!sample?.parts) throw new Error(`Prototype ${j} comes from sample ${s}, which has no part annotations: open the dataset with parts.`);
    const cls = model.config.classSpecific ? model.prototypeClass(j) : sample.label;
    const defining = classParts.get(cls) ?? new Set<number>();
    const h = model.push.fmapIdxs[j * 4]!, w = model.push.fmapIdxs[j * 4 + 2]!;
    const [h0, h1, w0, w1] = model.rfBoxes[h * Wz + w]!;
    const cy = (h0 + h1) / 2, cx = (w0 + w1) / 2;
    let parts = partsBySample.get(s); // prototypes may share a source image: decode each once
    if (!parts) {
      const { geometry } = await evalTransform(sample, preset);
      parts = mapParts(sample.parts, { geometry }).parts;
      partsBySample.set(s, parts);
    }
    let nearest = -1, best = Infinity;
    for (const p of parts) {
      const d = ((p.box[0] + p.box[2]) / 2 - cx) ** 2 + ((p.box[1] + p.box[3]) / 2 - cy) ** 2;
      if (d < best) { best = d; nearest = p.partId; }
    }
    const ids = parts.map((p) => p.partId);
    per.push({ prototype: j, sample: s, nearestPart: nearest, hit: defining.has(nearest), chance: ids.length ? ids.filter((id) => defining.has(id)).length / ids.length : 0 });
  }
  const hits = per.filter((p) => p.hit).length;
  return {
    prototypes: per.length, hits, rate: per.length ? hits / per.length : 0,
    chance: per.length ? per.reduce((a, p) => a + p.chance, 0) / per.length : 0, perPrototype: per,
  };
}
