// Parity with the PyTorch port of the rules (tools/prp/prp_fixtures.py): every fixture in src/fixtures, weights and
// input from the fixture hash, each map within 1e-4 relative (max abs error over max abs value).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@pixpnet/engine';
import type { Tensor4D } from '@pixpnet/engine';
import { ProtoNet, loadStateDict } from '@pixpnet/models';
import type { ProtoNetConfig, StateDict } from '@pixpnet/models';
import { hashInput, hashStateDict } from '@pixpnet/models/testing';
import { prpHeatmaps } from './prp.js';

interface Fixture {
  model: ProtoNetConfig & { activation: 'log' };
  inputRule: 'zb' | 'legacy';
  legacyCumulative: boolean;
  stateDict: Array<[string, number[]]>;
  input: [number, number, number, number];
  prototypes: number[];
  maxSimilarities: number[][];
  argmax: number[][];
  maps: number[][][];
}

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** The fixture's model with the hash weights: backbone and add-on by name, prototypes `[P, D, 1, 1]` → `P × D`. */
function fixtureModel(fx: Fixture): ProtoNet {
  const all = hashStateDict(fx.stateDict.map(([n, s]) => [n, s, 'float32']));
  const model = new ProtoNet({ ...fx.model, seed: 0 });
  const part = (f: (k: string) => string | undefined): StateDict => new Map([...all].flatMap(([k, v]) => (f(k) ? [[f(k)!, v] as const] : [])));
  loadStateDict(model.backbone, part((k) => (k.startsWith('add_on_layers.') || k === 'prototype_vectors' ? undefined : k)), 'the fixture backbone');
  loadStateDict(model.addOn, part((k) => (k.startsWith('add_on_layers.') ? k.slice('add_on_layers.'.length) : undefined)), 'the fixture add-on');
  const p = all.get('prototype_vectors')!;
  tf.tidy(() => model.prototypes.assign(tf.tensor2d(p.data, [p.shape[0]!, p.shape[1]!])));
  return model;
}

describe(`PRP parity with the PyTorch port (${files.length} fixtures)`, () => {
  it('has fixtures', () => expect(files.length).toBeGreaterThanOrEqual(9));
  for (const file of files) {
    it(file, () => {
      const fx = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Fixture;
      const model = fixtureModel(fx);
      const [N, C, H, W] = fx.input;
      const x = tf.tidy(() => tf.transpose(tf.tensor4d(hashInput(N * C * H * W), [N, C, H, W]), [0, 2, 3, 1]) as Tensor4D);
      const out = model.forward(x);
      const sims = out.maxSimilarities.arraySync();
      const idx = out.minDistIdxs.arraySync();
      tf.dispose(Object.values(out));
      for (let n = 0; n < N; n++) {
        for (const p of fx.prototypes) expect(idx[n]![p], `best cell of image ${n}, prototype ${p}`).toBe(fx.argmax[n]![p]); // (unrequested ones may be near ties)
        sims[n]!.forEach((s, p) => expect(Math.abs(s - fx.maxSimilarities[n]![p]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(s))));
      }
      const maps = prpHeatmaps(model, x, fx.prototypes, { legacyInputRule: fx.inputRule === 'legacy', legacyCumulative: fx.legacyCumulative });
      const K = fx.prototypes.length;
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < K; k++) {
          const want = fx.maps[n]![k]!;
          const got = maps.subarray((n * K + k) * H * W, (n * K + k + 1) * H * W);
          let err = 0, max = 0;
          want.forEach((v, i) => { err = Math.max(err, Math.abs(v - got[i]!)); max = Math.max(max, Math.abs(v)); });
          expect(err / max, `image ${n}, prototype ${fx.prototypes[k]}: max error ${err} of ${max}`).toBeLessThan(1e-4);
        }
      }
      x.dispose();
      model.dispose();
    });
  }
});
