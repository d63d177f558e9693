// Exact equality with every reference file under $PIXPNET_FIXTURES/rf (spec §1.7).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeReceptiveFields } from './analyze.js';
import { ZOO, zooModel } from '../zoo/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = process.env['PIXPNET_FIXTURES'] ?? path.resolve(here, '../../../../../shared/fixtures');
const dir = path.join(root, 'rf');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];

interface Fixture {
  model: string;
  height: number;
  width: number;
  layers: Record<string, { grid: number[]; rows: number[][]; cols: number[][]; product: boolean; channelsDiffer: boolean }>;
}

const fixtures = files.map((file) => ({ file, fx: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Fixture }));

describe.skipIf(files.length === 0)(`receptive fields equal the reference fixtures in ${dir}`, () => {
  for (const { file, fx } of fixtures) {
    // a model missing from the zoo shows as skipped, by name
    it.skipIf(!ZOO[fx.model])(ZOO[fx.model] ? file : `${file} (not in the zoo yet)`, () => check(fx));
  }
});

function check(fx: Fixture): void {
  {
    const report = computeReceptiveFields(zooModel(fx.model), { height: fx.height, width: fx.width, layers: Object.keys(fx.layers) });
    for (const [name, want] of Object.entries(fx.layers)) {
      const got = report.layers[name]!;
      expect({ layer: name, grid: got.grid, rows: got.rows, cols: got.cols, product: got.product, channelsDiffer: got.channelsDiffer })
        .toEqual({ layer: name, grid: want.grid, rows: want.rows, cols: want.cols, product: want.product, channelsDiffer: want.channelsDiffer });
    }
  }
}

if (files.length === 0) {
  describe('reference fixtures', () => {
    it.skip(`skipped: no fixtures at ${dir} (set PIXPNET_FIXTURES)`, () => {});
  });
}
