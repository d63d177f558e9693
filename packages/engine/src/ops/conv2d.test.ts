import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init.js';
import { conv2d } from './conv2d.js';
import type { ExplicitPadding2d } from './conv2d.js';
import { referenceConv2d, relativeError, runOn, seededValues } from '../testing.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const cases = [
  { name: 'plain 3x3', cin: 4, cout: 6, k: 3, s: 1, d: 1, groups: 1, pad: [[1, 1], [1, 1]] },
  { name: 'stride 2, asymmetric pad', cin: 4, cout: 6, k: 3, s: 2, d: 1, groups: 1, pad: [[0, 1], [2, 0]] },
  { name: 'groups 2', cin: 4, cout: 6, k: 3, s: 1, d: 1, groups: 2, pad: [[1, 1], [1, 1]] },
  { name: 'groups 2, stride 2 (ResNeXt/RegNet)', cin: 4, cout: 8, k: 3, s: 2, d: 1, groups: 2, pad: [[1, 1], [1, 1]] },
  { name: 'depthwise (groups = Cin)', cin: 4, cout: 4, k: 5, s: 2, d: 1, groups: 4, pad: [[2, 2], [2, 2]] },
  { name: 'depthwise with multiplier 2', cin: 4, cout: 8, k: 3, s: 1, d: 1, groups: 4, pad: [[1, 1], [1, 1]] },
  { name: 'dilation 2', cin: 4, cout: 6, k: 3, s: 1, d: 2, groups: 1, pad: [[2, 2], [2, 2]] },
  { name: 'dilation 2 and stride 2', cin: 4, cout: 6, k: 3, s: 2, d: 2, groups: 1, pad: [[2, 2], [2, 2]] },
  { name: 'dilated depthwise', cin: 4, cout: 4, k: 3, s: 1, d: 3, groups: 4, pad: [[3, 3], [0, 0]] },
  { name: 'grouped 1x7', cin: 4, cout: 4, k: 1, s: 1, d: 1, groups: 2, pad: [[0, 0], [0, 0]] },
];

describe('conv2d (torchvision options) forward and gradients match direct loops on wasm and cpu', () => {
  it.each(cases)('$name', async ({ cin, cout, k, s, d, groups, pad }) => {
    const xShape: [number, number, number, number] = [2, 9, 8, cin];
    const wShape: [number, number, number, number] = [k, k, cin / groups, cout];
    const xv = seededValues(2 * 9 * 8 * cin, 31);
    const wv = seededValues(wShape.reduce((a, b) => a * b), 32);
    const spec = { x: { shape: xShape, values: xv }, w: { shape: wShape, values: wv }, strides: [s, s] as [number, number],
      pad: pad as ExplicitPadding2d, dilations: [d, d] as [number, number], groups };
    const { y, outShape } = referenceConv2d(spec);
    const dyv = seededValues(y.length, 33);
    const ref = referenceConv2d(spec, dyv);
    const compute = () => {
      const x = tf.tensor4d(xv, xShape);
      const w = tf.tensor4d(wv, wShape);
      const f = (xi: tf.Tensor4D, wi: tf.Tensor4D) =>
        tf.sum(tf.mul(conv2d(xi, wi, { strides: s, dilations: d, groups, padding: pad as ExplicitPadding2d }), tf.tensor(dyv, outShape)));
      const out = conv2d(x, w, { strides: s, dilations: d, groups, padding: pad as ExplicitPadding2d });
      expect(out.shape).toEqual(outShape);
      return [out, ...tf.grads(f as never)([x, w])];
    };
    for (const backend of ['wasm', 'cpu']) {
      const [out, dx, dw] = await runOn(backend, compute);
      expect(relativeError(out!, y)).toBeLessThanOrEqual(1e-4);
      expect(relativeError(dx!, ref.dx)).toBeLessThanOrEqual(1e-4);
      expect(relativeError(dw!, ref.dW)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('names the problem when groups do not divide the channels', () => {
    expect(() => conv2d(tf.zeros([1, 4, 4, 6]) as tf.Tensor4D, tf.zeros([3, 3, 2, 4]) as tf.Tensor4D, { groups: 4 }))
      .toThrow(/groups=4 must divide both the input channels \(6\) and the output channels \(4\)/);
  });
});
