/** The prototypes' training patches: the exact receptive field, in its source image, of the latent patch each was pushed onto. */
import { evalTransform } from '@pixpnet/data';
import type { Rgb, Sample, TransformPreset } from '@pixpnet/data';
import type { ProtoNet } from '@pixpnet/models';
import { log } from '@pixpnet/engine';
import { crop, denormalise } from './image.js';

/** The receptive field `[x1, y1, x2, y2]` of the latent cell prototype `j` was pushed onto, or null before any push. */
export function prototypeBox(model: ProtoNet, j: number): [number, number, number, number] | null {
  if (model.push.sampleIdxs[j]! < 0) return null;
  const h = model.push.fmapIdxs[j * 4]!, w = model.push.fmapIdxs[j * 4 + 2]!;
  const [h0, h1, w0, w1] = model.rfBoxes[h * model.latentGrid[1] + w]!;
  return [w0, h0, w1, h1];
}

/** A sample through the evaluation transform, as RGB bytes (what the model saw). */
export async function displayImage(sample: Sample, preset: TransformPreset): Promise<Rgb> {
  const t = await evalTransform(sample, preset);
  return denormalise(t.data, t.geometry.width, t.geometry.height, preset);
}

/**
 * The training patch of each prototype in `prototypes` (null when it has no source sample: a warning is logged).
 * `samples` are the dataset's samples the push records index; each source image is decoded once.
 */
export async function prototypePatches(model: ProtoNet, prototypes: readonly number[], samples: readonly Sample[], preset: TransformPreset): Promise<Map<number, Rgb | null>> {
  const images = new Map<number, Rgb>();
  const out = new Map<number, Rgb | null>();
  for (const j of prototypes) {
    const box = prototypeBox(model, j);
    const s = model.push.sampleIdxs[j]!;
    if (!box || !samples[s]) {
      log.warning(`Prototype ${j} has no source sample (it was never pushed onto a training patch): drawn as "no sample".`);
      out.set(j, null);
      continue;
    }
    let img = images.get(s);
    if (!img) images.set(s, (img = await displayImage(samples[s]!, preset)));
    out.set(j, crop(img, box));
  }
  return out;
}
