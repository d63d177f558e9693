import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init.js';
import { referenceConv2d, relativeError, runOn, seededValues } from '../testing.js';

type Pad = 'same' | 'valid' | number[][];
const PADS: Array<[string, Pad]> = [['same', 'same'], ['valid', 'valid'], ['explicit', [[0, 0], [2, 1], [0, 3], [0, 0]]]];
const X_SHAPE: [number, number, number, number] = [2, 9, 10, 3];

const cases = [
  ...[1, 2].flatMap((stride) => [1, 3, 5, 7].flatMap((k) => PADS.map(([padName, pad]) => ({ stride, k, padName, pad, mult: 1, dilation: 1 })))),
  ...PADS.map(([padName, pad]) => ({ stride: 2, k: 3, padName, pad, mult: 2, dilation: 1 })),
  ...PADS.map(([padName, pad]) => ({ stride: 1, k: 3, padName, pad, mult: 1, dilation: 2 })),
  { stride: 1, k: 2, padName: 'same', pad: 'same' as Pad, mult: 3, dilation: 3 },
];

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('DepthwiseConv2dNativeBackpropFilter/Input on wasm match the cpu backend', () => {
  it.each(cases)('stride $stride, kernel $k, padding $padName, multiplier $mult, dilation $dilation', async ({ stride, k, pad, mult, dilation }) => {
    const filterShape: [number, number, number, number] = [k, k, X_SHAPE[3], mult];
    const info = tf.backend_util.computeConv2DInfo(X_SHAPE, filterShape, stride, dilation, pad as never, undefined, true);
    const dyShape = [X_SHAPE[0], info.outHeight, info.outWidth, X_SHAPE[3] * mult];
    const xv = seededValues(X_SHAPE.reduce((a, b) => a * b), 11);
    const wv = seededValues(filterShape.reduce((a, b) => a * b), 12);
    const dyv = seededValues(dyShape.reduce((a, b) => a * b), 13);
    const attrs = { strides: [stride, stride], pad, dilations: [dilation, dilation], dimRoundingMode: undefined };
    const compute = () => {
      const x = tf.tensor4d(xv, X_SHAPE);
      const dy = tf.tensor(dyv, dyShape);
      const w = tf.tensor(wv, filterShape);
      const dW = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape } as never) as tf.Tensor;
      const dX = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: X_SHAPE } as never) as tf.Tensor;
      return [dW, dX];
    };
    const [wasmW, wasmX] = await runOn('wasm', compute);
    if (dilation === 1) {
      const [cpuW, cpuX] = await runOn('cpu', compute);
      expect(relativeError(wasmW!, cpuW!)).toBeLessThanOrEqual(1e-4);
      expect(relativeError(wasmX!, cpuX!)).toBeLessThanOrEqual(1e-4);
    }
    // the cpu kernels ignore dilation (tfjs never asks them for it): check against the direct loops instead
    const padInfo = info.padInfo;
    const C = X_SHAPE[3];
    const ref = referenceConv2d({
      x: { shape: X_SHAPE, values: xv },
      w: { shape: [k, k, 1, C * mult], values: wv },
      strides: [stride, stride],
      pad: [[padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right]],
      dilations: [dilation, dilation],
      groups: C,
    }, dyv);
    expect(relativeError(wasmW!, ref.dW)).toBeLessThanOrEqual(1e-4);
    expect(relativeError(wasmX!, ref.dx)).toBeLessThanOrEqual(1e-4);
  });
});

describe('depthwiseConv2d gradients with dilation (tfjs refuses these)', () => {
  it('match on wasm and cpu', async () => {
    const xv = seededValues(X_SHAPE.reduce((a, b) => a * b), 14);
    const wv = seededValues(3 * 3 * 3 * 2, 15);
    const compute = () => {
      const f = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.sum(tf.square(tf.depthwiseConv2d(x, w, 1, 'same', 'NHWC', 2)));
      return tf.grads(f as never)([tf.tensor4d(xv, X_SHAPE), tf.tensor4d(wv, [3, 3, 3, 2])]);
    };
    const cpu = await runOn('cpu', compute);
    const wasm = await runOn('wasm', compute);
    for (let i = 0; i < 2; i++) expect(relativeError(wasm[i]!, cpu[i]!)).toBeLessThanOrEqual(1e-4);
  });
});
