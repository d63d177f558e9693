import { describe, expect, it } from 'vitest';
import { computeReceptiveFields } from '../rf/analyze.js';
import { zooModel } from './index.js';
import { zooPatchPcts } from './patch.js';

describe('zooPatchPcts', () => {
  it("gives each stage's meanChannelAreaPct from one analysis", () => {
    const pcts = zooPatchPcts('vgg16', 224, 224, ['maxpool4', 'maxpool5', 'maxpool4']);
    const one = (layer: string) => computeReceptiveFields(zooModel('vgg16'), { height: 224, layers: [layer] }).layers[layer]!.meanChannelAreaPct;
    expect(pcts).toEqual({ maxpool4: one('maxpool4'), maxpool5: one('maxpool5') });
    expect(pcts['maxpool5']).toBeGreaterThan(pcts['maxpool4']!);
  });

  it('names an unknown stage and lists the layers', () => {
    expect(() => zooPatchPcts('vgg16', 224, 224, ['pool9'])).toThrow(/vgg16 has no layer 'pool9'\. Its layers are: .*maxpool5/);
  });
});
