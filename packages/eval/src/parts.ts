/** Part annotations of a batch's images in model-input pixels (spec §6.1). */
import { mapParts } from '@pixpnet/data';
import type { Batch, MappedPart, Sample, TransformPreset } from '@pixpnet/data';

/** Options of {@link batchParts}. */
export interface BatchPartsOptions {
  /** The reference's mapping, which assumes a square resize (wrong for non-square images); default: the exact one. */
  legacyPartMapping?: boolean;
  preset: TransformPreset;
}

/**
 * The visible parts of each image of an evaluation batch, mapped through the geometry the image really went
 * through (the loader's per-image transform), or through the reference's legacy mapping. Parts falling outside
 * the input are dropped; `dropped` counts them.
 */
export function batchParts(batch: Batch, samples: readonly Sample[], o: BatchPartsOptions): { parts: MappedPart[][]; dropped: number } {
  const [, H, W] = batch.x.shape;
  let dropped = 0;
  const parts = batch.indices.map((i, n) => {
    const s = samples[i]!;
    if (!s.parts) throw new Error(`Sample ${s.path || `#${i}`} has no part annotations: open the dataset with parts.`);
    const t = batch.transforms[n]!;
    const origShape = batch.origShapes[n]!;
    const r = o.legacyPartMapping
      ? mapParts(s.parts, { legacyPartMapping: { preset: o.preset, origHW: [origShape[1], origShape[2]], ...(s.bbox ? { bbox: s.bbox } : {}) } })
      : mapParts(s.parts, { geometry: { sx: t[0]!, sy: t[4]!, tx: t[2]!, ty: t[5]!, width: W!, height: H! } });
    dropped += r.dropped;
    return r.parts;
  });
  return { parts, dropped };
}
