/** Test helpers (not built): a tiny class-specific ProtoNet and an in-memory dataset with parts. */
import { DataLoader } from '@pixpnet/data';
import type { PartLocation, Sample, TransformPreset } from '@pixpnet/data';
import { ProtoNet } from '@pixpnet/models';
import { Rng } from '@pixpnet/engine';

/** 16×16 inputs, `vgg_nano_bn` cut at `maxpool1`: an 8×8 grid of 4-pixel receptive fields; 2 classes × 2 prototypes. */
export function tinyModel(seed = 1, size = 16): ProtoNet {
  return new ProtoNet({ backbone: 'vgg_nano_bn', featureLayer: 'maxpool1', numClasses: 2, inputSize: [size, size], numPrototypes: 4, prototypeDim: 4, seed });
}

/** A preset that keeps 16×16 images as they are. */
export const TINY_PRESET: TransformPreset = { crop: 16, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };

/** `n` random 16×16 images alternating between the classes, each with the given parts (default: one at (2, 2), one at (12, 12)). */
export function tinySamples(n: number, o: { parts?: PartLocation[] | false; width?: number; height?: number } = {}): Sample[] {
  const w = o.width ?? 16, h = o.height ?? 16;
  const rng = new Rng(99);
  const parts = o.parts === false ? undefined : o.parts ?? [
    { partId: 0, partIdOrig: 0, x: 2, y: 2, visible: true },
    { partId: 1, partIdOrig: 1, x: 12, y: 12, visible: true },
  ];
  return Array.from({ length: n }, (_, i) => ({
    id: i, path: '', label: i % 2, train: false,
    pixels: { width: w, height: h, data: Uint8Array.from({ length: w * h * 3 }, () => Math.floor(rng.next() * 256)) },
    ...(parts ? { parts: parts.map((p) => ({ ...p })) } : {}),
  }));
}

/** An evaluation loader over all samples. */
export function tinyLoader(samples: Sample[], batchSize = 2, preset: TransformPreset = TINY_PRESET): DataLoader {
  return new DataLoader(samples, preset, { batchSize, augment: false });
}
