/** Part annotations of a batch's images in model-input pixels (spec §6.1). */
import { mapParts } from '@pixpnet/data';
import type { Batch, MappedPart, PartLocation, Sample, TransformPreset } from '@pixpnet/data';

/** A visible part annotated outside its image. */
export interface OutsidePart {
  part: PartLocation;
  image: string;
  /** The image's `[height, width]`. */
  origHW: [number, number];
}

/** One line per part: where it was read, the image and why it is ignored. */
export function describeOutside(o: OutsidePart): string {
  return `${o.part.source ?? o.image}: part ${o.part.partIdOrig + 1} at (${o.part.x}, ${o.part.y}) lies outside its ${o.origHW[1]}x${o.origHW[0]} image ${o.image}: ignored`;
}

/** Options of {@link batchParts}. */
export interface BatchPartsOptions {
  /** The reference's mapping, which assumes a square resize (wrong for non-square images); default: the exact one. */
  legacyPartMapping?: boolean;
  preset: TransformPreset;
}

/**
 * The visible parts of each image of an evaluation batch, mapped through the geometry the image really went
 * through (the loader's per-image transform), or through the reference's legacy mapping. Parts falling outside
 * the input are dropped; `dropped` counts them. Parts outside the decoded image itself (annotation errors) are left
 * out and returned in `outside` with the sample's path.
 */
export function batchParts(batch: Batch, samples: readonly Sample[], o: BatchPartsOptions): { parts: MappedPart[][]; dropped: number; outside: OutsidePart[] } {
  const [, H, W] = batch.x.shape;
  let dropped = 0;
  const outside: OutsidePart[] = [];
  const parts = batch.indices.map((i, n) => {
    const s = samples[i]!;
    if (!s.parts) throw new Error(`Sample ${s.path || `#${i}`} has no part annotations: open the dataset with parts.`);
    const t = batch.transforms[n]!;
    const origShape = batch.origShapes[n]!;
    const origHW: [number, number] = [origShape[1], origShape[2]];
    const r = o.legacyPartMapping
      ? mapParts(s.parts, { legacyPartMapping: { preset: o.preset, origHW, ...(s.bbox ? { bbox: s.bbox } : {}) }, origHW })
      : mapParts(s.parts, { geometry: { sx: t[0]!, sy: t[4]!, tx: t[2]!, ty: t[5]!, width: W!, height: H! }, origHW });
    dropped += r.dropped;
    for (const part of r.outside) outside.push({ part, image: s.path || `#${s.id}`, origHW });
    return r.parts;
  });
  return { parts, dropped, outside };
}
