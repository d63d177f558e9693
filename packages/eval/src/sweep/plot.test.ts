import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import sharp from 'sharp';
import { analyzeSweep, paretoFront } from './analyze.js';
import { readSweepCsv, SWEEP_COLUMNS } from './csv.js';
import { labelExtent, labelsOverlap, placeFrontLabels } from './labels.js';
import { FRONT_X_TITLE, SCATTER_X_TITLE, Y_TITLE, frontModelName, frontPanelLayout, logDomain, renderSweepPlots, sweepParetoSpec } from './plot.js';
import { csvText, syntheticRows } from './sweep.testkit.js';

/** Where the figures go, to look at them: PIXPNET_SWEEP_PLOTS=dir keeps them. */
const outDir = process.env['PIXPNET_SWEEP_PLOTS'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-sweep-plot-'));
const textOf = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

describe('renderSweepPlots', () => {
  it('draws the scatter (log x, a panel per dataset) and the labelled front, as SVG and PNG', async () => {
    const a = analyzeSweep([readSweepCsv(csvText(syntheticRows('synthparts', 64)), 'sweep.csv')]);
    const { scatter, pareto } = await renderSweepPlots(a);
    fs.mkdirSync(outDir, { recursive: true });
    for (const [name, fig] of [['scatter', scatter], ['pareto', pareto]] as const) {
      fs.writeFileSync(path.join(outDir, `sweep_${name}.svg`), fig.svg);
      fs.writeFileSync(path.join(outDir, `sweep_${name}.png`), fig.png);
    }
    const st = textOf(scatter.svg);
    expect(st).toContain(SCATTER_X_TITLE);
    expect(st).toContain(Y_TITLE);
    expect(st).toContain('synthparts');
    for (const m of ['vgg11', 'vgg16_bn', 'resnet18', 'densenet121']) expect(st).toContain(m);
    // log axis: decades and 2, 5 between
    for (const t of ['1', '10', '100', '0.5', '2', '5']) expect(st).toContain(t);

    const pt = textOf(pareto.svg);
    expect(pt).toContain(FRONT_X_TITLE);
    expect(pt).toContain(Y_TITLE);
    const front = paretoFront(a, 'synthparts');
    expect(front.length).toBeGreaterThanOrEqual(4);
    // one label per front point
    const stages = front.map((r) => r.stageName);
    for (const s of new Set(stages)) expect(pt.filter((t) => t === s)).toHaveLength(stages.filter((x) => x === s).length);
    // the legend names VGG models without _bn
    expect(pt).not.toContain('vgg16_bn');
    expect(pareto.svg).toMatch(/stroke-dasharray="6,4"/);
    for (const png of [scatter.png, pareto.png]) {
      const meta = await sharp(png).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(1000);
    }
  });

  it('draws one panel per dataset', async () => {
    const a = analyzeSweep([readSweepCsv(csvText([...syntheticRows('cifar10', 32, ['vgg11', 'resnet18']), ...syntheticRows('imagenette', 64, ['vgg16_bn', 'densenet121'])]), 'two.csv')]);
    const { scatter, pareto } = await renderSweepPlots(a);
    fs.writeFileSync(path.join(outDir, 'two_scatter.png'), scatter.png);
    fs.writeFileSync(path.join(outDir, 'two_pareto.png'), pareto.png);
    expect(textOf(scatter.svg)).toEqual(expect.arrayContaining(['cifar10', 'imagenette']));
    expect(textOf(pareto.svg)).toEqual(expect.arrayContaining(['Pareto front: cifar10', 'Pareto front: imagenette']));
    expect(textOf(pareto.svg).filter((t) => t === FRONT_X_TITLE)).toHaveLength(2);
  });

  it('lays labels of a front out inside the plot, none on another', () => {
    const a = analyzeSweep([readSweepCsv(csvText(syntheticRows('synthparts', 64)), 'sweep.csv')]);
    const layout = frontPanelLayout(a, 'synthparts');
    const g = { width: 560, fontSize: 12 };
    layout.labels.forEach((l, i) => layout.labels.slice(i + 1).forEach((m) => expect(labelsOverlap(l, m, g)).toBe(false)));
    for (const l of layout.labels) {
      const [x0, x1] = labelExtent(l, g);
      expect(x0).toBeGreaterThanOrEqual(0);
      expect(x1).toBeLessThanOrEqual(560);
      expect(l.y).toBeGreaterThan(0);
      expect(l.y).toBeLessThan(340);
    }
    expect(JSON.stringify(sweepParetoSpec(a))).toContain('"interpolate":"step-after"');
  });
  it('draws a front of one point, and of points equal in both values', async () => {
    const head = SWEEP_COLUMNS.join(',');
    const one = `${head}\nresnet18,8,layer4,d,64,64,0.5,,100,,,,,,,s\nresnet18,7,layer3,d,64,64,0.4,,100,,,,,,,s\n`;
    const { pareto } = await renderSweepPlots(analyzeSweep([readSweepCsv(one, 'one.csv')]));
    expect(textOf(pareto.svg).filter((t) => t === 'layer4')).toHaveLength(1);
    expect(textOf(pareto.svg)).not.toContain('layer3');
    const tied = `${head}\nresnet18,8,layer4,d,64,64,0.5,,100,,,,,,,s\nresnet50,8,layer4,d,64,64,0.5,,100,,,,,,,s\n`;
    const a = analyzeSweep([readSweepCsv(tied, 'tied.csv')]);
    const layout = frontPanelLayout(a, 'd');
    expect(layout.labels).toHaveLength(2);
    expect(labelsOverlap(layout.labels[0]!, layout.labels[1]!, { width: 560, fontSize: 12 })).toBe(false);
  });
});

describe('placeFrontLabels', () => {
  it('keeps every pair of labels apart on random fronts, even crowded ones', () => {
    const front = fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.string({ minLength: 1, maxLength: 12 })), { minLength: 1, maxLength: 25 })
      .map((pts) => {
        // a front: x and y both increasing (y up = pixels down)
        const xs = pts.map((p) => p[0] * 500).sort((p, q) => p - q), ys = pts.map((p) => p[1] * 300).sort((p, q) => q - p);
        return pts.map((p, i) => ({ x: xs[i]!, y: ys[i]!, text: p[2] }));
      });
    fc.assert(fc.property(front, (points) => {
      const g = { width: 560, fontSize: 12 };
      const placed = placeFrontLabels(points, g);
      expect(placed).toHaveLength(points.length);
      placed.forEach((l, i) => {
        expect(l.text).toBe(points[i]!.text);
        // below-right of its point, or above-left
        if (l.align === 'left') expect(l.x > l.px && l.y > l.py).toBe(true);
        else expect(l.x < l.px && l.y < l.py).toBe(true);
        placed.slice(i + 1).forEach((m) => expect(labelsOverlap(l, m, g)).toBe(false));
      });
    }), { numRuns: 300 });
  });

  it('puts a label left of its point when it would leave the plot on the right', () => {
    const [l, r] = placeFrontLabels([{ x: 10, y: 200, text: 'conv1' }, { x: 550, y: 20, text: 'classifier' }], { width: 560, fontSize: 12 });
    expect(l).toMatchObject({ align: 'left', x: 16, moved: false });
    expect(r).toMatchObject({ align: 'right', x: 544, moved: false });
  });
});

describe('helpers', () => {
  it('drops _bn from VGG names only', () => {
    expect(['vgg16_bn', 'vgg11', 'vgg_nano_bn', 'resnet_bn'].map(frontModelName)).toEqual(['vgg16', 'vgg11', 'vgg_nano', 'resnet_bn']);
  });

  it('makes a log domain with round ticks', () => {
    expect(logDomain(0.25, 100)).toEqual({ domain: [0.15625, 160], ticks: [0.2, 0.5, 1, 2, 5, 10, 20, 50, 100] });
    expect(logDomain(0.001, 100, 1).ticks).toEqual([0.001, 0.01, 0.1, 1, 10, 100]);
  });
});
