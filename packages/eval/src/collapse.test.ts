import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { ProtoNet } from '@pixpnet/models';
import { tinyLoader, tinyModel, tinySamples } from './tiny.testkit.js';
import { collapseReasons } from './collapse.js';

let healthy: ProtoNet, collapsed: ProtoNet;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  healthy = tinyModel();
  collapsed = tinyModel();
  // what a diverged training leaves: features that no longer depend on the image (every backbone weight zero)
  for (const v of collapsed.variableGroups().backbone) v.assign(tf.zerosLike(v));
  tf.tidy(() => collapsed.prototypes.assign(tf.onesLike(collapsed.prototypes))); // and every prototype alike
});
afterAll(() => {
  healthy.dispose();
  collapsed.dispose();
});

describe('collapseReasons', () => {
  it('says nothing of a model whose prototypes depend on the image', async () => {
    expect(await collapseReasons(healthy, tinyLoader(tinySamples(6), 4))).toEqual([]);
  });

  it('names flat similarity maps, one best cell for every prototype and equal logits; leaves no tensor', async () => {
    const flatOnly = tinyModel();
    for (const v of flatOnly.variableGroups().backbone) v.assign(tf.zerosLike(v));
    expect(await collapseReasons(flatOnly, tinyLoader(tinySamples(6), 4))).toEqual(['the similarity maps are flat (every latent cell equally similar) for 100 % of the image–prototype pairs']);
    flatOnly.dispose();
    const before = tf.memory().numTensors;
    const reasons = await collapseReasons(collapsed, tinyLoader(tinySamples(6), 4));
    expect(tf.memory().numTensors).toBe(before);
    expect(reasons).toEqual([
      'the similarity maps are flat (every latent cell equally similar) for 100 % of the image–prototype pairs',
      'every prototype has the same best cell and similarity on each of 6 images',
      'the logits are equal for every class on each of 6 images',
    ]);
  });
});
