import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init.js';
import { runOn, seededValues } from '../testing.js';
import { OPS } from './broadcast_compare.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const SHAPES: Array<[number[], number[]]> = [
  [[2, 3, 4], [2, 1, 4]], [[3, 1], [1, 5]], [[4], [2, 3, 4]], [[], [3]], [[2, 1, 3, 1], [1, 4, 1, 5]], [[5, 1], [5, 1]],
];

/** Values with ties, NaN and infinities, as int32 when asked. */
function values(n: number, seed: number, dtype: 'float32' | 'int32'): number[] {
  const v = seededValues(n, seed).map((x) => Math.round(x * 3));
  if (dtype === 'float32' && n > 2) { v[0] = NaN; v[1] = Infinity; v[n - 1] = -Infinity; }
  return v;
}

describe('comparisons and maximum/minimum with broadcasting on wasm match the cpu backend', () => {
  const cases = Object.keys(OPS).flatMap((op) => (['float32', 'int32'] as const).flatMap((dtype) => SHAPES.map(([a, b]) => ({ op, dtype, a, b }))));
  it.each(cases)('$op $dtype $a vs $b', async ({ op, dtype, a, b }) => {
    const av = values(a.reduce((p, q) => p * q, 1), 1, dtype), bv = values(b.reduce((p, q) => p * q, 1), 2, dtype);
    const f = () => tf.engine().runKernel(op, { a: tf.tensor(av, a, dtype), b: tf.tensor(bv, b, dtype) }, {}) as tf.Tensor;
    const before = tf.memory().numTensors;
    const [w] = await runOn('wasm', f);
    const [c] = await runOn('cpu', f);
    await tf.setBackend('wasm');
    expect(Array.from(w!)).toEqual(Array.from(c!));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives a bool tensor for the comparisons and the input dtype for maximum', () => {
    tf.tidy(() => {
      expect(tf.equal(tf.ones([2, 3]), tf.ones([3])).dtype).toBe('bool');
      expect(tf.maximum(tf.ones([2, 3], 'int32'), tf.ones([3], 'int32')).dtype).toBe('int32');
    });
  });
});

describe('BatchMatMul with transposes on wasm matches the cpu backend', () => {
  const cases = [
    { a: [6, 5], b: [4, 5], ta: false, tb: true }, { a: [5, 6], b: [5, 4], ta: true, tb: false },
    { a: [5, 6], b: [4, 5], ta: true, tb: true }, { a: [3, 6, 5], b: [3, 4, 5], ta: false, tb: true },
    { a: [1, 5, 6], b: [3, 5, 4], ta: true, tb: false }, { a: [6, 5], b: [5, 4], ta: false, tb: false },
  ];
  it.each(cases)('$a x $b, transposeA $ta, transposeB $tb', async ({ a, b, ta, tb }) => {
    const av = seededValues(a.reduce((p, q) => p * q), 3), bv = seededValues(b.reduce((p, q) => p * q), 4);
    const f = () => {
      const x = tf.tensor(av, a), y = tf.tensor(bv, b);
      const loss = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D, ta, tb)));
      const value = tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb);
      // (tfjs has no gradient for a broadcast batch axis)
      return a[0] === b[0] || a.length === 2 ? [value, ...tf.grads(loss as never)([x, y])] : [value];
    };
    const w = await runOn('wasm', f);
    const c = await runOn('cpu', f);
    await tf.setBackend('wasm');
    for (let i = 0; i < w.length; i++) w[i]!.forEach((v, k) => expect(v).toBeCloseTo(c[i]![k]!, 4));
  });
});
