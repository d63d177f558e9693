import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeReceptiveFields, zooModel } from '@pixpnet/symbolic';
import type { RfBox } from '@pixpnet/models';
import { upsampleBicubic } from './bicubic.js';
import { gaussianWindow, rfHeatmaps } from './gaussian.js';
import { argmaxCenter, naiveCenter, rfCenter } from './centers.js';
import { roundHalfEven } from '@pixpnet/engine';

const fixture = (name: string) => JSON.parse(fs.readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const close = (a: ArrayLike<number>, b: Array<number | null>, tol: number) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const want = b[i];
    if (want === null) expect(Number.isNaN(a[i]!)).toBe(true);
    else worst = Math.max(worst, Math.abs(a[i]! - want) / Math.max(1, Math.abs(want)));
  }
  expect(worst).toBeLessThan(tol);
};

describe('bicubic upsampling (torch F.interpolate parity, tools/eval/parity_maps.py)', () => {
  for (const c of fixture('bicubic.json').cases) {
    it(`${c.n}×${c.in.join('×')} → ${c.out.join('×')}`, () => {
      close(upsampleBicubic(Float32Array.from(c.x), c.n, c.in[0], c.in[1], c.out[0], c.out[1]), c.y, 2e-6);
    });
  }
  it('keeps a constant map constant and rejects a wrong size', () => {
    const out = upsampleBicubic(new Float32Array(9).fill(2.5), 1, 3, 3, 10, 10);
    for (const v of out) expect(v).toBeCloseTo(2.5, 6);
    expect(() => upsampleBicubic(new Float32Array(8), 1, 3, 3, 10, 10)).toThrow(/expected 1×3×3/);
  });
});

describe('Gaussian receptive-field maps (parity with a torch implementation of spec §2.10b)', () => {
  for (const c of fixture('gaussian.json').cases) {
    it(`${c.name}: ${c.grid.join('×')} cells on ${c.size.join('×')} px`, () => {
      const m = rfHeatmaps(Float32Array.from(c.similarities), c.grid, c.rfBoxes as RfBox[], c.size, { sigmaFactor: c.sigmaFactor });
      expect(m.superMode).toBe(c.superMode);
      expect(m.kernelSize).toBe(c.kernelSize);
      close(m.max, c.max, 1e-6);
      close(m.sum, c.sum, 1e-6);
      close(m.avg, c.avg, 1e-6);
    });
  }

  it('a window of peak 1, about 0.88 at half-width with σ = k', () => {
    const k = 31, w = gaussianWindow(k);
    expect(w[15 * k + 15]).toBe(1);
    expect(w[15 * k]).toBeCloseTo(Math.exp(-(15 * 15) / (2 * 31 * 31)), 12);
    expect(w[15 * k]).toBeGreaterThan(0.88);
  });

  it('a hand-computed case: two cells, one clipped at the left border', () => {
    // a 1×2 grid on a 4×4 image: cell 0 sees row 1, columns [0, 2) (a 3-wide field clipped), cell 1 row 1, columns [1, 4)
    const boxes: RfBox[] = [[1, 2, 0, 2], [1, 2, 1, 4]];
    const m = rfHeatmaps(Float32Array.from([2, 1]), [1, 2], boxes, [4, 4], { sigmaFactor: 1 });
    const win = gaussianWindow(3);
    const at = (x: number) => 4 + x; // pixel (1, x)
    expect(m.kernelSize).toBe(3);
    // fields 1 px high sit in the window's middle row; cell 0 (clipped on the left) takes its columns [1, 3)
    expect(m.max[at(0)]).toBeCloseTo(2 * win[3 + 1]!, 6);
    expect(m.max[at(1)]).toBeCloseTo(Math.max(2 * win[3 + 2]!, win[3]!), 6);
    expect(m.sum[at(1)]).toBeCloseTo(2 * win[3 + 2]! + win[3]!, 6);
    expect(m.avg[at(1)]).toBeCloseTo((2 * win[3 + 2]! + win[3]!) / 2, 6);
    expect(m.max[at(3)]).toBeCloseTo(win[3 + 2]!, 6);
    expect(m.max[0]).toBe(0);
  });

  it('the average is NaN where no field reaches, the maximum 0 there', () => {
    const m = rfHeatmaps(Float32Array.from([1]), [1, 1], [[0, 1, 0, 1]], [2, 2]);
    expect(m.max[3]).toBe(0);
    expect(Number.isNaN(m.avg[3]!)).toBe(true);
  });

  it('maps only the prototypes asked for, in their order', () => {
    const c = fixture('gaussian.json').cases[0];
    const all = rfHeatmaps(Float32Array.from(c.similarities), c.grid, c.rfBoxes, c.size);
    const some = rfHeatmaps(Float32Array.from(c.similarities), c.grid, c.rfBoxes, c.size, { prototypes: [2, 0] });
    const HW = c.size[0] * c.size[1];
    expect(Array.from(some.max.subarray(0, HW))).toEqual(Array.from(all.max.subarray(2 * HW, 3 * HW)));
    expect(Array.from(some.max.subarray(HW))).toEqual(Array.from(all.max.subarray(0, HW)));
  });

  // spec §2.10b: the crop rule matches every field of these layers (super-RF mode included)
  const layers: Array<[string, string, number]> = [
    ['vgg16', 'maxpool5', 224], ['vgg16', 'maxpool4', 224], ['vgg19', 'maxpool5', 224], ['vgg11', 'maxpool3', 224], ['vgg11', 'maxpool5', 32],
    ['resnet18', 'layer4', 224], ['resnet34', 'layer3', 224], ['resnet50', 'layer2', 224], ['vgg_nano_bn', 'maxpool3', 64],
  ];
  for (const [net, layer, size] of layers) {
    it(`${net} ${layer} at ${size} px: every cell's window crop matches its field`, () => {
      const rf = computeReceptiveFields(zooModel(net), { height: size, width: size, layers: [layer] }).layers[layer]!;
      const boxes: RfBox[] = [];
      for (const r of rf.rows) for (const c of rf.cols) boxes.push([...r, ...c] as RfBox);
      const m = rfHeatmaps(new Float32Array(boxes.length).fill(1), rf.grid, boxes, [size, size]);
      expect(m.max.length).toBe(size * size);
      expect(Math.max(...m.max)).toBeCloseTo(1, 5);
    });
  }
});

describe('point mappings', () => {
  it('rounds half to even like Python', () => {
    expect([0.5, 1.5, 2.5, -0.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 0, 2, 3]);
  });
  it('naive cell midpoints (§2.10d) and field centres (§6.2)', () => {
    expect(naiveCenter(0, [7, 7], [224, 224])).toEqual([16, 16]);
    expect(naiveCenter(7 * 3 + 6, [7, 7], [224, 224])).toEqual([208, 112]);
    expect(naiveCenter(1, [8, 8], [64, 64])).toEqual([12, 4]);
    expect(rfCenter([0, 30, 10, 40])).toEqual([25, 15]);
  });
  it('the mean of the maximal pixels', () => {
    const map = Float32Array.from([0, 3, 3, 1, NaN, 3]); // 2×3
    expect(argmaxCenter(map, 0, [2, 3])).toEqual([(1 + 2 + 2) / 3, (0 + 0 + 1) / 3]);
    expect(argmaxCenter(new Float32Array(6).fill(NaN), 0, [2, 3])).toEqual([NaN, NaN]); // no location: its box holds no part
  });
});
