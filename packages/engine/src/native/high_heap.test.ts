/**
 * The native kernels with every pointer above 2 GiB: tfjs's `_malloc` returns a signed i32 there (read unsigned, as
 * tfjs does; a signed read crashed the 224-px benchmark). A file of its own: the wasm heap keeps its 2 GiB after it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { initBackend } from '../init.js';
import { seededValues } from '../testing.js';
import { nativeKernels } from './module.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 2 });
});

/** A training step's native work on small tensors: conv filter and input gradients, batch norm, max-pool gradient. */
function step(): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor4d(seededValues(2 * 12 * 12 * 5, 1), [2, 12, 12, 5]);
    const f = tf.tensor4d(seededValues(3 * 3 * 5 * 9, 2), [3, 3, 5, 9]);
    const loss = (xx: tf.Tensor4D, ff: tf.Tensor4D) => {
      const y = tf.conv2d(xx, ff, 1, 'same');
      const { mean, variance } = tf.moments(y, [0, 1, 2]);
      const n = tf.batchNorm(y, mean, variance, tf.fill([9], 0.1), tf.fill([9], 1.5), 1e-5); // (tfjs has no gradient without them)
      return tf.maxPool(tf.relu(n), 2, 2, 'valid').square().sum();
    };
    const [gx, gf] = tf.grads((a, b) => loss(a as tf.Tensor4D, b as tf.Tensor4D))([x, f]);
    return [Array.from(gx!.dataSync()), Array.from(gf!.dataSync())];
  });
}

describe('native kernels above 2 GiB of heap', () => {
  it('give the same gradients with the tensors and scratch of a training step above 2^31', () => {
    const nk = nativeKernels()!;
    const low = step();
    // a 2 GiB block at the top of the heap (memory.grow reserves it; no page is touched), then every free hole below
    // it plugged, largest first: whatever is allocated next lies above 2^31
    const filler = nk.malloc(2 ** 31);
    const plugs: number[] = [];
    for (let size = 2 ** 26; size >= 8; size /= 2) {
      for (;;) {
        const p = nk.malloc(size);
        if (p < filler) plugs.push(p);
        else { nk.free(p); break; }
      }
    }
    try {
      const probe = nk.malloc(64);
      expect(probe).toBeGreaterThan(2 ** 31); // read unsigned
      nk.free(probe);
      const before = tf.memory().numTensors;
      const high = step();
      expect(tf.memory().numTensors).toBe(before);
      expect(high).toEqual(low);
    } finally {
      for (const p of plugs) nk.free(p);
      nk.free(filler);
    }
  });
});
