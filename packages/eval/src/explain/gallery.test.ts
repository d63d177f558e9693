import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor2D } from '@pixpnet/engine';
import type { ProtoNet } from '@pixpnet/models';
import { TINY_PRESET, tinyModel, tinySamples } from '../tiny.testkit.js';
import { partsCaption, partsInside, prototypeGallery, renderPrototypeGallery } from './gallery.js';

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
  it('every prototype with its class, source, receptive field and the parts inside it; "no sample" when never pushed', async () => {
    // receptive fields [x1, y1, x2, y2]: prototype 0 on sample 0 [0, 0, 3, 3]; 1 on sample 1 [9, 5, 13, 9]; 2 on sample 1 [13, 13, 16, 16]
    const samples = tinySamples(2, { parts: false });
    const part = (partId: number, x: number, y: number) => ({ partId, partIdOrig: partId, x, y, visible: true });
    samples[0]!.parts = [part(0, 2, 2), part(2, 1, 0), part(1, 12, 12)]; // head and beak in prototype 0's field, the tail not
    // the wing (twice: left and right) in prototype 1's field; the tail at (12, 12) is the part nearest prototype 2's
    // field [13, 16)², but outside it; an invisible beak inside it does not count
    samples[1]!.parts = [part(0, 2, 2), part(1, 12, 12), part(3, 10, 6), part(3, 11, 7), { ...part(2, 14, 14), visible: false }];
    const names = ['head', 'tail', 'beak', 'wing'];
    const partsOf = async (s: number) => samples[s]!.parts!.filter((p) => p.visible).map((p) => ({ partId: p.partId, x: p.x + 0.5, y: p.y + 0.5 }));
    // class 0 is defined by the beak, class 1 by the tail
    const classParts = new Map([[0, new Set([2])], [1, new Set([1])]]);
    const { entries, sources } = await prototypeGallery(model, samples, TINY_PRESET, { partNames: names, partsOf, classParts });
    expect(entries.map((e) => e.class)).toEqual([0, 0, 1, 1]);
    expect(entries.map((e) => e.sample)).toEqual([0, 1, 1, -1]);
    const box = (cell: number) => { const [h0, h1, w0, w1] = model.rfBoxes[cell]!; return [w0, h0, w1, h1]; };
    expect(entries[0]!.box).toEqual(box(0));
    expect(entries[1]!.box).toEqual(box(3 * 8 + 5));
    expect(entries[3]!.box).toBeNull();
    // two parts in the field: both listed (by id); one of them defines the class, so the prototype does
    expect(entries[0]!.parts).toEqual([{ id: 0, name: 'head' }, { id: 2, name: 'beak' }]);
    expect(entries[0]!.definingPart).toBe(true);
    // a part that does not define the class (the wing, once for its two keypoints)
    expect(entries[1]!.parts).toEqual([{ id: 3, name: 'wing' }]);
    expect(entries[1]!.definingPart).toBe(false);
    // no part in the field: background, which defines nothing (labelled by the nearest part, it read "tail", defining class 1)
    expect(entries[2]!.parts).toEqual([]);
    expect(entries[2]!.definingPart).toBe(false);
    expect(entries[3]!.parts).toBeNull();
    expect(entries[3]!.definingPart).toBeNull();
    expect(entries.map((e) => partsCaption(e, classParts))).toEqual(['beak, head', 'wing', 'background', '']);
    expect([...sources.keys()].sort()).toEqual([0, 1]);
    // without the class-defining parts: the parts, and no judgement
    const plain = await prototypeGallery(model, samples, TINY_PRESET, { partNames: names, partsOf });
    expect(plain.entries.map((e) => e.parts)).toEqual(entries.map((e) => e.parts));
    expect(plain.entries.every((e) => e.definingPart === null)).toBe(true);
    // without parts at all: nothing to judge by
    expect((await prototypeGallery(model, samples, TINY_PRESET)).entries.every((e) => e.parts === null && e.definingPart === null)).toBe(true);
    const png = await renderPrototypeGallery(entries, sources, ['wren', 'robin'], { title: 'tiny', classParts });
    const meta = await sharp(png).metadata();
    expect(meta.width).toBeGreaterThan(2 * 2 * 128); // 2 tiles of two 128-px images per class row
    expect(meta.height).toBeGreaterThan(2 * 128);
  });

  it('a part is inside when its pixel overlaps the field (the rule of consistency); captions list the defining parts first and are cut to fit', () => {
    const names = ['head', 'tail', 'beak', 'wing', 'left leg'];
    const at = (partId: number, px: number, py: number) => ({ partId, x: px + 0.5, y: py + 0.5 }); // pixel centres
    expect(partsInside([at(0, 9, 5), at(1, 12, 8), at(2, 13, 8), at(3, 8, 6), at(4, 10, 9)], [9, 5, 13, 9], names)).toEqual([{ id: 0, name: 'head' }, { id: 1, name: 'tail' }]);
    const e = { class: 0, parts: names.map((name, id) => ({ id, name })) };
    const defining = new Map([[0, new Set([3])]]);
    expect(partsCaption(e, defining)).toBe('wing, head, tail, beak, left leg');
    expect(partsCaption(e, defining, 16)).toBe('wing, head, tail +2 more');
    expect(partsCaption(e, undefined, 1)).toBe('head +4 more');
    expect(partsCaption({ class: null, parts: [] })).toBe('background');
  });
});
