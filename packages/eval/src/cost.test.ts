import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import { evaluationCost, measureForwardRate } from './cost.js';
import { tinyModel } from './tiny.testkit.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('evaluation cost', () => {
  it('counts the part metrics\' forwards (twice with stability) and the ROT methods to compute', () => {
    expect(evaluationCost({ images: 100, partMetrics: true, stability: true, rotMethods: 3, rotForwardsPerMethod: 8250, rate: 500 }))
      .toEqual({ partForwards: 200, rotForwards: 24750, forwards: 24950, seconds: 49.9 });
    expect(evaluationCost({ images: 100, partMetrics: true, stability: false, rotMethods: 0, rotForwardsPerMethod: 8250, rate: 50 }))
      .toEqual({ partForwards: 100, rotForwards: 0, forwards: 100, seconds: 2 });
    expect(evaluationCost({ images: 100, partMetrics: false, stability: false, rotMethods: 1, rotForwardsPerMethod: 10, rate: 5 }).seconds).toBe(2);
  });

  it('measures a positive forward rate and disposes every tensor', () => {
    const before = tf.memory().numTensors;
    const model = tinyModel();
    const rate = measureForwardRate(model, 3, 2);
    expect(rate).toBeGreaterThan(0);
    expect(Number.isFinite(rate)).toBe(true);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
