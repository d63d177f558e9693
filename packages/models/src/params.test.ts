import { describe, expect, it } from 'vitest';
import { toTfLayout, toTorchLayout } from './params.js';
import type { ParamSpec } from './params.js';

const spec = (layout: ParamSpec['layout'], torchShape: number[], tfShape: number[]): ParamSpec =>
  ({ name: 'w', node: 'n', torchShape, tfShape, layout, trainable: true, init: 'kaiming' });

describe('weight layouts', () => {
  it('convert torch to tfjs layout and back for convolutions and linear layers', () => {
    const conv = spec('conv', [5, 3, 2, 4], [2, 4, 3, 5]);
    const v = Float32Array.from({ length: 120 }, (_, i) => i);
    const tfv = toTfLayout(conv, v);
    // torch w[o=1, i=2, y=1, x=3] is tfjs w[y=1, x=3, i=2, o=1]
    expect(tfv[((1 * 4 + 3) * 3 + 2) * 5 + 1]).toBe(v[((1 * 3 + 2) * 2 + 1) * 4 + 3]);
    expect(Array.from(toTorchLayout(conv, tfv))).toEqual(Array.from(v));
    for (const layout of ['linear', 'linearAsConv'] as const) {
      const lin = spec(layout, [4, 6], [6, 4]);
      const w = Float32Array.from({ length: 24 }, (_, i) => i * 0.5);
      expect(toTfLayout(lin, w)[2 * 4 + 1]).toBe(w[1 * 6 + 2]);
      expect(Array.from(toTorchLayout(lin, toTfLayout(lin, w)))).toEqual(Array.from(w));
    }
  });
});
