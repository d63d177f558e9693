import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor2D } from '@pixpnet/engine';
import type { ProtoNet } from '@pixpnet/models';
import { TINY_PRESET, tinyModel, tinySamples } from '../tiny.testkit.js';
import { prototypeGallery, renderPrototypeGallery } from './gallery.js';

let model: ProtoNet;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  model = tinyModel();
  // push records: prototypes 0–2 on samples 0, 1, 1 at latent cells (0, 0), (3, 5), (7, 7); prototype 3 never pushed
  const values = tf.zeros([4, 4]) as Tensor2D;
  model.setPrototypes(values, { sampleIdxs: Int32Array.from([0, 1, 1, -1]), fmapIdxs: Int32Array.from([0, 1, 0, 1, 3, 4, 5, 6, 7, 8, 7, 8, -1, -1, -1, -1]) });
  values.dispose();
});
afterAll(() => model.dispose());

describe('prototype gallery', () => {
  it('every prototype with its class, source, receptive field and nearest part; "no sample" when never pushed', async () => {
    const samples = tinySamples(2); // parts at (2, 2) "head" and (12, 12) "tail"
    const { entries, sources } = await prototypeGallery(model, samples, TINY_PRESET, {
      partNames: ['head', 'tail'],
      partsOf: async (s) => samples[s]!.parts!.map((p) => ({ partId: p.partId, x: p.x + 0.5, y: p.y + 0.5 })),
      classParts: new Map([[0, new Set([0])], [1, new Set([0])]]),
    });
    expect(entries.map((e) => e.class)).toEqual([0, 0, 1, 1]);
    expect(entries.map((e) => e.sample)).toEqual([0, 1, 1, -1]);
    const box = (cell: number) => { const [h0, h1, w0, w1] = model.rfBoxes[cell]!; return [w0, h0, w1, h1]; };
    expect(entries[0]!.box).toEqual(box(0));
    expect(entries[1]!.box).toEqual(box(3 * 8 + 5));
    expect(entries[3]!.box).toBeNull();
    expect(entries[0]!.part).toEqual({ id: 0, name: 'head' });
    expect(entries[0]!.definingPart).toBe(true);
    expect(entries[2]!.part).toEqual({ id: 1, name: 'tail' });
    expect(entries[2]!.definingPart).toBe(false);
    expect([...sources.keys()].sort()).toEqual([0, 1]);
    const png = await renderPrototypeGallery(entries, sources, ['wren', 'robin'], { title: 'tiny' });
    const meta = await sharp(png).metadata();
    expect(meta.width).toBeGreaterThan(2 * 2 * 128); // 2 tiles of two 128-px images per class row
    expect(meta.height).toBeGreaterThan(2 * 128);
  });
});
