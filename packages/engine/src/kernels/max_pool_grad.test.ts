import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init.js';
import { relativeError, runOn, seededValues } from '../testing.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** Direct loops: each window's gradient goes to its first maximum (row-major), padding holds −∞. */
function referenceMaxPoolGrad(xv: ArrayLike<number>, shape: number[], dyv: ArrayLike<number>, k: number, s: number,
  pad: { top: number; left: number }, outHW: [number, number]): Float64Array {
  const [B, H, W, C] = shape as [number, number, number, number];
  const [Ho, Wo] = outHW;
  const dx = new Float64Array(xv.length);
  for (let b = 0; b < B; b++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) for (let c = 0; c < C; c++) {
    let best = -Infinity, at = -1;
    for (let a = 0; a < k; a++) for (let d = 0; d < k; d++) {
      const r = i * s + a - pad.top, q = j * s + d - pad.left;
      if (r < 0 || r >= H || q < 0 || q >= W) continue;
      const idx = ((b * H + r) * W + q) * C + c;
      if (xv[idx]! > best) { best = xv[idx]!; at = idx; }
    }
    dx[at] = dx[at]! + dyv[((b * Ho + i) * Wo + j) * C + c]!;
  }
  return dx;
}

describe('MaxPoolGrad on wasm', () => {
  it.each([
    { name: '2x2/2 valid', shape: [2, 8, 6, 3], k: 2, s: 2, pad: 'valid' as const },
    { name: '3x3/2 valid (overlapping)', shape: [2, 9, 9, 3], k: 3, s: 2, pad: 'valid' as const },
    { name: '3x3/2 same', shape: [2, 8, 8, 3], k: 3, s: 2, pad: 'same' as const },
    { name: '3x3/1 same', shape: [1, 7, 5, 2], k: 3, s: 1, pad: 'same' as const },
    { name: '3x3/2 pad 1 (ResNet stem)', shape: [2, 8, 8, 3], k: 3, s: 2, pad: 1 },
    { name: '2x2/2 valid, all negative (the native kernel loses these)', shape: [1, 4, 4, 2], k: 2, s: 2, pad: 'valid' as const, shift: -2 },
    { name: '2x2/2 valid with ties: first maximum only', shape: [2, 6, 6, 3], k: 2, s: 2, pad: 'valid' as const, ties: true },
    { name: '3x3/2 same with ties', shape: [2, 8, 8, 3], k: 3, s: 2, pad: 'same' as const, ties: true },
    { name: '3x3/2 pad 1, 3 images of 5 channels (split across threads)', shape: [3, 7, 6, 5], k: 3, s: 2, pad: 1 },
  ])('$name matches the cpu backend and direct loops', async ({ shape, k, s, pad, shift, ties }: {
    shape: number[]; k: number; s: number; pad: 'valid' | 'same' | number; shift?: number; ties?: boolean;
  }) => {
    // ties: few integer values, so windows often hold equal maxima (as flat images and ReLU zeros do)
    const xv = seededValues(shape.reduce((a, b) => a * b), 51).map((v) => (ties ? Math.round(v * 2) : v + (shift ?? 0)));
    const info = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], k, s, 1, pad);
    const dyv = seededValues(shape[0]! * info.outHeight * info.outWidth * shape[3]!, 52);
    const compute = () => {
      const x = tf.tensor4d(xv, shape as [number, number, number, number]);
      const y = tf.maxPool(x, k, s, pad);
      return tf.engine().runKernel('MaxPoolGrad', { dy: tf.tensor(dyv, y.shape), input: x, output: y },
        { filterSize: k, strides: s, pad }) as tf.Tensor;
    };
    const [cpu] = await runOn('cpu', compute);
    const [wasm] = await runOn('wasm', compute);
    const ref = referenceMaxPoolGrad(xv, shape, dyv, k, s, info.padInfo, [info.outHeight, info.outWidth]);
    expect(relativeError(cpu!, ref)).toBeLessThanOrEqual(1e-6);
    expect(relativeError(wasm!, ref)).toBeLessThanOrEqual(1e-6);
  });
});
