/** The prototype gallery of a loaded run (shared by `pixpnet prototypes` and `pixpnet report`). */
import { evalTransform, mapParts } from '@pixpnet/data';
import type { OpenedDataset } from '@pixpnet/data';
import type { ProtoNet } from '@pixpnet/models';
import { prototypeGallery, readClassParts, renderPrototypeGallery } from '@pixpnet/eval';
import type { GalleryEntry, GalleryParts } from '@pixpnet/eval';

/**
 * Every prototype of `model` with its source and the parts inside its receptive field (where the dataset has parts;
 * on the synthetic set, whether one defines its class), and the gallery PNG.
 */
export async function buildGallery(model: ProtoNet, ds: OpenedDataset): Promise<{ entries: GalleryEntry[]; png: Buffer }> {
  let parts: GalleryParts | undefined;
  let classParts: Map<number, Set<number>> | undefined;
  if (ds.index.partNames && ds.index.samples.some((s) => s.parts)) {
    classParts = readClassParts(ds.dir, { optional: true }); // only the synthetic set names its class-defining parts
    parts = {
      partNames: ds.index.partNames,
      partsOf: async (s) => {
        const sample = ds.index.samples[s]!;
        if (!sample.parts) return [];
        const { geometry } = await evalTransform(sample, ds.preset);
        return mapParts(sample.parts, { geometry }).parts.map((p) => ({ partId: p.partId, x: p.box[0] + 0.5, y: p.box[1] + 0.5 }));
      },
      ...(classParts ? { classParts } : {}),
    };
  }
  const { entries, sources } = await prototypeGallery(model, ds.index.samples, ds.preset, parts);
  const c = model.config;
  const png = await renderPrototypeGallery(entries, sources, ds.index.classNames, {
    title: `${c.numPrototypes} prototypes of ${ds.key} (${c.backbone} cut at ${c.featureLayer})`, ...(classParts ? { classParts } : {}),
  });
  return { entries, png };
}
