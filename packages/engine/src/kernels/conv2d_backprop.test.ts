import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init.js';
import { relativeError, runOn, seededValues } from '../testing.js';
import { nativeKernels } from '../native/module.js';
import { splitChannels } from './conv2d_backprop_filter_wasm.js';

type Pad = 'same' | 'valid' | number[][];
const PADS: Array<[string, Pad]> = [['same', 'same'], ['valid', 'valid'], ['explicit', [[0, 0], [1, 2], [3, 0], [0, 0]]]];
const X_SHAPE: [number, number, number, number] = [2, 9, 10, 3];
const COUT = 4;

// on wasm the filter gradient is the native kernel: 3, 5 and 12 input channels fill its 4-channel blocks fully and
// partly, 19 output channels give both threads a share, a full 8-channel block, a 4-channel one and a scalar edge
// (the cpu backend's tf-op kernel, the reference here, takes its per-tap path for 3 and 5 channels)
const cases = [[3, 4], [12, 4], [5, 19], [12, 19]].flatMap(([cin, cout]) => [1, 2].flatMap((stride) =>
  [1, 3, 5, 7].flatMap((k) => PADS.map(([padName, pad]) => ({ cin: cin!, cout: cout!, stride, k, padName, pad })))));

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('the native kernels', () => {
  it('run on wasm with both threads', () => {
    expect(nativeKernels()?.threads).toBe(2);
  });

  it('split output channels into 8-channel blocks per thread', () => {
    expect(splitChannels(19, 2)).toEqual([[0, 16], [16, 19]]);
    expect(splitChannels(32, 2)).toEqual([[0, 16], [16, 32]]);
    expect(splitChannels(4, 2)).toEqual([[0, 4]]);
    expect(splitChannels(24, 1)).toEqual([[0, 24]]);
  });
});

describe('Conv2DBackpropFilter and Conv2DBackpropInput on wasm match the cpu backend', () => {
  it.each(cases)('Cin $cin, Cout $cout, stride $stride, kernel $k, padding $padName', async ({ cin, cout, stride, k, pad }) => {
    const xShape: [number, number, number, number] = [X_SHAPE[0], X_SHAPE[1], X_SHAPE[2], cin];
    const filterShape: [number, number, number, number] = [k, k, cin, cout];
    const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, stride, 1, pad as never);
    const dyShape = [xShape[0], info.outHeight, info.outWidth, cout];
    const xv = seededValues(xShape.reduce((a, b) => a * b), 1);
    const wv = seededValues(filterShape.reduce((a, b) => a * b), 2);
    const dyv = seededValues(dyShape.reduce((a, b) => a * b), 3);
    const attrs = { strides: [stride, stride], pad, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const compute = () => {
      const x = tf.tensor4d(xv, xShape);
      const dy = tf.tensor(dyv, dyShape);
      const w = tf.tensor(wv, filterShape);
      const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape } as never) as tf.Tensor;
      const dX = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xShape } as never) as tf.Tensor;
      return [dW, dX];
    };
    const [cpuW, cpuX] = await runOn('cpu', compute);
    const [wasmW, wasmX] = await runOn('wasm', compute);
    expect(relativeError(wasmW!, cpuW!)).toBeLessThanOrEqual(1e-4);
    expect(relativeError(wasmX!, cpuX!)).toBeLessThanOrEqual(1e-4);
  });
});

describe('conv2d gradients with dilation (tfjs refuses these) on wasm match the cpu backend', () => {
  it.each([
    { k: 3, d: 2, pad: 'same' as Pad },
    { k: 3, d: 3, pad: 'valid' as Pad },
    { k: 2, d: 2, pad: [[0, 0], [2, 1], [0, 2], [0, 0]] as Pad },
  ])('kernel $k, dilation $d, padding $pad', async ({ k, d, pad }) => {
    const filterShape: [number, number, number, number] = [k, k, X_SHAPE[3], COUT];
    const xv = seededValues(X_SHAPE.reduce((a, b) => a * b), 4);
    const wv = seededValues(filterShape.reduce((a, b) => a * b), 5);
    const compute = () => {
      const x = tf.tensor4d(xv, X_SHAPE);
      const w = tf.tensor4d(wv, filterShape);
      const f = (xi: tf.Tensor4D, wi: tf.Tensor4D) => tf.sum(tf.square(tf.conv2d(xi, wi, 1, pad as never, 'NHWC', d)));
      return tf.grads(f as never)([x, w]);
    };
    const cpu = await runOn('cpu', compute);
    const wasm = await runOn('wasm', compute);
    for (let i = 0; i < 2; i++) expect(relativeError(wasm[i]!, cpu[i]!)).toBeLessThanOrEqual(1e-4);
  });
});
