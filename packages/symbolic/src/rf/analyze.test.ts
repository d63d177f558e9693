import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../ir/builder.js';
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import { inferShapes } from '../ir/shapes.js';
import { channelUnitField, computeReceptiveFields, unitField } from './analyze.js';
import type { ExactBlock } from './analyze.js';
import { zooModel } from '../zoo/index.js';

type Sets = Set<number>[][][]; // [channel][i][j] -> pixel ids (or unit ids of the insertion layer)

/** Direct set propagation, unit by unit and channel by channel: the reference for the fast engine. */
function bruteForce(graph: Graph, H: number, W: number, from = INPUT): Map<string, Sets> {
  const shapes = inferShapes(graph, H, W);
  const out = new Map<string, Sets>();
  const s0 = shapes.get(from)!;
  if (s0.kind !== 'map') throw new Error('from must be a map');
  out.set(from, Array.from({ length: s0.c }, () => Array.from({ length: s0.h }, (_, i) => Array.from({ length: s0.w }, (_, j) => new Set([i * s0.w + j])))));
  const start = from === INPUT ? 0 : graph.nodes.findIndex((n) => n.id === from) + 1;
  const empty = (id: string): Sets => {
    const s = shapes.get(id)!;
    const [c, h, w] = s.kind === 'map' ? [s.c, s.h, s.w] : [s.features, 1, 1];
    return Array.from({ length: c }, () => Array.from({ length: h }, () => Array.from({ length: w }, () => new Set<number>())));
  };
  const unionAll = (sets: Set<number>[]) => new Set(sets.flatMap((s) => [...s]));
  for (const node of graph.nodes.slice(start)) {
    const ins = node.inputs.map((i) => out.get(i) ?? empty(i));
    const x = ins[0]!;
    const shp = shapes.get(node.id)!;
    const op = node.op;
    let r: Sets;
    if (op.type === 'conv2d' || op.type === 'maxPool2d' || op.type === 'avgPool2d') {
      if (shp.kind !== 'map') throw new Error();
      const d = op.type === 'conv2d' ? op.dilation : [1, 1];
      const C = x.length, G = op.type === 'conv2d' ? op.groups : 1;
      const outC = op.type === 'conv2d' ? op.outChannels : C;
      r = Array.from({ length: outC }, (_, oc) => Array.from({ length: shp.h }, (_, i) => Array.from({ length: shp.w }, (_, j) => {
        const chans = op.type === 'conv2d' ? Array.from({ length: C / G }, (_, k) => Math.floor(oc / (outC / G)) * (C / G) + k) : [oc];
        const sets: Set<number>[] = [];
        for (const c of chans) for (let a = 0; a < op.kernel[0]; a++) for (let b = 0; b < op.kernel[1]; b++) {
          const y = i * op.stride[0] - op.padding[0][0] + a * d[0]!, z = j * op.stride[1] - op.padding[1][0] + b * d[1]!;
          if (y >= 0 && y < x[0]!.length && z >= 0 && z < x[0]![0]!.length) sets.push(x[c]![y]![z]!);
        }
        return unionAll(sets);
      })));
    } else if (op.type === 'adaptiveAvgPool2d') {
      if (shp.kind !== 'map') throw new Error();
      const L = [x[0]!.length, x[0]![0]!.length];
      r = x.map((ch) => Array.from({ length: shp.h }, (_, i) => Array.from({ length: shp.w }, (_, j) => {
        const sets: Set<number>[] = [];
        for (let y = Math.floor((i * L[0]!) / shp.h); y < Math.ceil(((i + 1) * L[0]!) / shp.h); y++)
          for (let z = Math.floor((j * L[1]!) / shp.w); z < Math.ceil(((j + 1) * L[1]!) / shp.w); z++) sets.push(ch[y]![z]!);
        return unionAll(sets);
      })));
    } else if (op.type === 'add' || op.type === 'multiply') {
      if (shp.kind !== 'map') throw new Error();
      r = Array.from({ length: shp.c }, (_, c) => Array.from({ length: shp.h }, (_, i) => Array.from({ length: shp.w }, (_, j) =>
        unionAll(ins.map((m) => (m[c]!.length === 1 && m[c]![0]!.length === 1 ? m[c]![0]![0]! : m[c]![i]![j]!))))));
    } else if (op.type === 'concat') r = ins.flat();
    else if (op.type === 'layerNorm2d') r = x.map((ch) => ch.map((row, i) => row.map((_, j) => unionAll(x.map((c) => c[i]![j]!)))));
    else if (op.type === 'linear') {
      const all = unionAll(x.flat(2));
      r = Array.from({ length: op.outFeatures }, () => [[all]]);
    } else r = x;
    out.set(node.id, r);
  }
  return out;
}

function pixels(blocks: ExactBlock[], W: number): Set<number> {
  const s = new Set<number>();
  for (const b of blocks) for (const [r0, r1] of b.rows) for (const [c0, c1] of b.cols)
    for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) s.add(r * W + c);
  return s;
}

function expectMatchesBruteForce(graph: Graph, H: number, W: number, insertAt?: string): void {
  const report = computeReceptiveFields(graph, insertAt ? { height: H, width: W, insertAt } : { height: H, width: W });
  const from = insertAt ? graph.stages.find(([n]) => n === insertAt)![1] : INPUT;
  const brute = bruteForce(graph, H, W, from);
  const fromShape = inferShapes(graph, H, W).get(from)!;
  const gridW = fromShape.kind === 'map' ? fromShape.w : 1;
  for (const [name, layer] of Object.entries(report.layers)) {
    const sets = brute.get(layer.node)!;
    let differ = false;
    for (let c = 0; c < sets.length; c++) for (let i = 0; i < layer.grid[0]; i++) for (let j = 0; j < layer.grid[1]; j++) {
      expect([...pixels(channelUnitField(layer, c, i, j), gridW)].sort((a, b) => a - b), `${name} channel ${c} unit (${i},${j})`)
        .toEqual([...sets[c]![i]![j]!].sort((a, b) => a - b));
      if (c > 0 && [...sets[c]![i]![j]!].sort().join() !== [...sets[0]![i]![j]!].sort().join()) differ = true;
    }
    expect(layer.channelsDiffer, `${name} channelsDiffer`).toBe(differ);
    // the channel union, and whether it is rows × cols
    let product = true;
    for (let i = 0; i < layer.grid[0]; i++) for (let j = 0; j < layer.grid[1]; j++) {
      const u = new Set(sets.flatMap((ch) => [...ch[i]![j]!]));
      expect([...pixels(unitField(layer, i, j), gridW)].sort((a, b) => a - b), `${name} union (${i},${j})`).toEqual([...u].sort((a, b) => a - b));
      const rowsOf = new Set([...u].map((p) => Math.floor(p / gridW))), colsOf = new Set([...u].map((p) => p % gridW));
      if (u.size !== rowsOf.size * colsOf.size) product = false;
      else {
        // a product of this unit's projections must also be the same for its whole latent row/column
        const hr = layer.rows[i]!, hc = layer.cols[j]!;
        if (!layer.holes && (rowsOf.size !== hr[1] - hr[0] || colsOf.size !== hc[1] - hc[0])) product = false;
      }
    }
    if (!layer.holes) expect(layer.product, `${name} product`).toBe(product);
  }
}

describe('computeReceptiveFields matches direct set propagation', () => {
  it('dilated kernels leave holes, reported exactly', () => {
    const b = new GraphBuilder('dilated', 1);
    let x = b.stage('d2', b.conv('c1', INPUT, 2, 3, { dilation: 2, padding: 2 }));
    x = b.stage('d3', b.conv('c2', x, 2, 3, { dilation: 3 }));
    b.stage('strided', b.conv('c3', x, 2, 3, { dilation: 2, stride: 2, padding: [[1, 2], [0, 3]] }));
    const g = b.build();
    expectMatchesBruteForce(g, 13, 11);
    const r = computeReceptiveFields(g, { height: 13, width: 11 });
    expect(r.layers['d2']!.holes).toBe(true);
    expect(r.layers['d2']!.exact!.rowSets[5]).toEqual([[3, 4], [5, 6], [7, 8]]);
  });

  it('1×k and k×1 branches make crosses: not a product, never a bounding box', () => {
    const b = new GraphBuilder('cross', 1);
    const s = b.conv('s', INPUT, 2, 1);
    const h = b.conv('h', s, 2, [1, 3], { padding: [0, 1] });
    const v = b.conv('v', s, 2, [3, 1], { padding: [1, 0] });
    const cat = b.stage('cat', b.cat('cat', [h, v]));
    b.stage('mix', b.conv('mix', cat, 3, 1));
    b.stage('grow', b.conv('grow', 'mix', 1, 3, { padding: 1 }));
    const g = b.build();
    expectMatchesBruteForce(g, 7, 8);
    const r = computeReceptiveFields(g, { height: 7, width: 8 });
    expect(r.layers['cat']).toMatchObject({ product: false, channelsDiffer: true });
    expect(r.layers['mix']).toMatchObject({ product: false, channelsDiffer: false });
    expect(unitField(r.layers['mix']!, 3, 3)).toHaveLength(2); // a plus sign: two blocks
  });

  it('grouped convolutions keep per-channel fields apart', () => {
    const b = new GraphBuilder('groups', 1);
    const a = b.conv('a', INPUT, 2, 3, { padding: 1 });
    const c = b.conv('c', INPUT, 2, 5, { padding: 2 });
    const cat = b.stage('cat', b.cat('cat', [a, c]));
    b.stage('grouped', b.conv('g', cat, 4, 3, { groups: 2, padding: 1, stride: 2 }));
    b.stage('depthwise', b.conv('dw', 'g', 4, 3, { groups: 4 }));
    expectMatchesBruteForce(b.build(), 9, 10);
  });

  it('ceil-mode and padded pools, odd sizes, adaptive pools and SE scales', () => {
    const b = new GraphBuilder('pools', 1);
    let x = b.stage('ceil', b.maxPool('p1', INPUT, 3, { stride: 2, ceilMode: true }));
    x = b.stage('avg', b.avgPool('p2', x, 3, { stride: 1, padding: 1 }));
    const se = b.act('se_act', b.conv('se_fc', b.adaptiveAvgPool('se_pool', x, 1), 1, 1), 'sigmoid');
    x = b.stage('scaled', b.mul('scale', [x, se]));
    x = b.stage('adaptive', b.adaptiveAvgPool('ap', b.conv('c', x, 2, 2, { stride: 1 }), [3, 2]));
    b.stage('fc', b.linear('fc', b.flatten('flat', x), 3));
    expectMatchesBruteForce(b.build(), 10, 9);
    expectMatchesBruteForce(b.build(), 11, 7);
  });

  it('residual adds and fields relative to an inner layer (insertAt)', () => {
    const b = new GraphBuilder('res', 1);
    const stem = b.stage('stem', b.conv('stem', INPUT, 2, 3, { stride: 2, padding: 1 }));
    const y = b.conv('b2', b.conv('b1', stem, 2, 3, { padding: 1 }), 2, 3, { padding: 1, stride: 2 });
    const sc = b.conv('down', stem, 2, 1, { stride: 2 });
    b.stage('block', b.sum('add', [y, sc]));
    const g = b.build();
    expectMatchesBruteForce(g, 12, 11);
    expectMatchesBruteForce(g, 12, 11, 'stem');
  });

  it('fields relative to an inner layer of VGG16 (insertAt)', () => {
    const r = computeReceptiveFields(zooModel('vgg16'), { height: 224, insertAt: 'maxpool3' });
    expect(Object.keys(r.layers).filter((n) => !/^(conv|conv_no_act)\d+$/.test(n))).toEqual(['maxpool4', 'maxpool5', 'avgpool', 'classifier']);
    // three 3x3 convs and a 2x2 pool over the 28x28 maxpool3 grid
    expect(r.layers['maxpool4']!.rows.slice(0, 3)).toEqual([[0, 5], [0, 7], [1, 9]]);
    expect(r.layers['maxpool4']!.meanAreaPct).toBeGreaterThan(0);
  });
});

describe('Araujo parameters and statistics', () => {
  it('match Araujo et al. for VGG16', () => {
    const r = computeReceptiveFields(zooModel('vgg16'), { height: 224, layers: ['maxpool4', 'maxpool5'] });
    expect([r.layers['maxpool4']!.rf, r.layers['maxpool4']!.stride, r.layers['maxpool4']!.padding]).toEqual([[100, 100], [16, 16], [42, 42]]);
    expect([r.layers['maxpool5']!.rf, r.layers['maxpool5']!.stride, r.layers['maxpool5']!.padding]).toEqual([[212, 212], [32, 32], [90, 90]]);
  });

  it('give the spec\'s mean RF sizes (§1.7)', () => {
    const pct = (model: string, layer: string) => computeReceptiveFields(zooModel(model), { height: 224, layers: [layer] }).layers[layer]!.meanAreaPct;
    expect(pct('vgg16', 'maxpool5')).toBeCloseTo(52.49, 2);
    expect(pct('vgg16', 'maxpool4')).toBeCloseTo(15.74, 2);
    expect(pct('vgg11', 'maxpool4')).toBeCloseTo(8.31, 2);
    expect(pct('resnet18', 'layer2')).toBeCloseTo(15.45, 2);
    expect(pct('densenet121', 'transition1')).toBeCloseTo(6.84, 2);
    expect(pct('squeezenet1_1', 'maxpool3')).toBeCloseTo(10.94, 2);
  });

  it('explain unknown layers and insertion points', () => {
    expect(() => computeReceptiveFields(zooModel('vgg11'), { height: 224, layers: ['pool9'] }))
      .toThrow(/vgg11 has no layer 'pool9'. Its layers are: conv_no_act1, conv1, maxpool1/);
    expect(() => computeReceptiveFields(zooModel('vgg11'), { height: 224, layers: ['maxpool1'], insertAt: 'maxpool3' }))
      .toThrow(/come before --insert-at maxpool3/);
    expect(() => computeReceptiveFields(zooModel('vgg11'), { height: 16 })).toThrow(/too small/);
  });
});
