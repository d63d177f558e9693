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
    } else if (op.type === 'conv2dTranspose') {
      if (shp.kind !== 'map') throw new Error();
      // scatter, the op's definition: input (y, z) through tap (a, b) writes output (y·s − p + a·d, z·s − p + b·d)
      const all = Array.from({ length: shp.h }, () => Array.from({ length: shp.w }, () => new Set<number>()));
      for (let y = 0; y < x[0]!.length; y++) for (let z = 0; z < x[0]![0]!.length; z++) for (let a = 0; a < op.kernel[0]; a++) for (let b = 0; b < op.kernel[1]; b++) {
        const oy = y * op.stride[0] - op.padding[0][0] + a * op.dilation[0], oz = z * op.stride[1] - op.padding[1][0] + b * op.dilation[1];
        if (oy >= 0 && oy < shp.h && oz >= 0 && oz < shp.w) for (const ch of x) for (const p of ch[y]![z]!) all[oy]![oz]!.add(p);
      }
      r = Array.from({ length: op.outChannels }, () => all);
    } else if (op.type === 'upsample2d') {
      if (shp.kind !== 'map') throw new Error();
      const rows = influence(x[0]!.length, op.scale[0], op.mode, op.halfPixelCenters), cols = influence(x[0]![0]!.length, op.scale[1], op.mode, op.halfPixelCenters);
      r = x.map((ch) => rows.map((ys) => cols.map((zs) => unionAll(ys.flatMap((y) => zs.map((z) => ch[y]![z]!))))));
    } else if (op.type === 'crop2d') {
      if (shp.kind !== 'map') throw new Error();
      r = x.map((ch) => Array.from({ length: shp.h }, (_, i) => Array.from({ length: shp.w }, (_, j) => ch[i + op.cropping[0][0]]![j + op.cropping[1][0]]!)));
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

/**
 * Which inputs influence each output of a 1-D resize by `s`, found numerically: the TF/tfjs kernel (weights
 * `1 − lerp` and `lerp` on the clamped neighbours) run on each unit vector, every non-zero output noted.
 */
function influence(len: number, s: number, mode: 'nearest' | 'bilinear', halfPixel: boolean): number[][] {
  const resize = (v: number[]): number[] => Array.from({ length: len * s }, (_, o) => {
    if (mode === 'nearest') return v[Math.min(Math.floor(o / s), len - 1)]!;
    const src = halfPixel ? (o + 0.5) / s - 0.5 : o / s;
    const lower = Math.max(Math.floor(src), 0), upper = Math.min(Math.ceil(src), len - 1), lerp = src - Math.floor(src);
    return v[lower]! + (v[upper]! - v[lower]!) * lerp;
  });
  const out: number[][] = Array.from({ length: len * s }, () => []);
  for (let t = 0; t < len; t++) {
    const e = Array.from({ length: len }, (_, k) => (k === t ? 1 : 0));
    resize(e).forEach((v, o) => v !== 0 && out[o]!.push(t));
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
      else if (u.size === 0) {
        // an empty unit (a transposed convolution's stride skips it) is rows × cols when its row or its column is empty
        if (layer.rows[i]![1] > layer.rows[i]![0] && layer.cols[j]![1] > layer.cols[j]![0]) product = false;
      } else {
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

describe('decoders and preprocessing match direct set propagation', () => {
  /** Every unit's exact field lies inside its Araujo envelope `[−p + o·stride, −p + o·stride + rf)`, per axis. */
  function expectInsideEnvelope(graph: Graph, H: number, W: number): void {
    const r = computeReceptiveFields(graph, { height: H, width: W });
    for (const [name, l] of Object.entries(r.layers)) {
      for (const [ax, spans] of [[0, l.rows], [1, l.cols]] as const) {
        spans.forEach(([a, b], o) => {
          if (a === b) return; // reads nothing
          const start = -l.padding[ax] + o * l.stride[ax];
          expect(a, `${name} axis ${ax} unit ${o}`).toBeGreaterThanOrEqual(start - 1e-9);
          expect(b, `${name} axis ${ax} unit ${o}`).toBeLessThanOrEqual(start + l.rf[ax] + 1e-9);
        });
      }
    }
  }

  it('transposed convolutions: strides, dilation holes, outputs that read nothing, cropping and output padding', () => {
    const b = new GraphBuilder('decoder', 1);
    const x = b.stage('down', b.conv('down', INPUT, 2, 3, { stride: 2, padding: 1 }));
    b.stage('up', b.convTranspose('up', x, 2, 3, { stride: 2, padding: [[1, 1], [1, 0]], outputPadding: [1, 0] }));
    b.stage('sparse', b.convTranspose('sparse', x, 2, 2, { stride: 3 })); // stride > kernel: some outputs read nothing
    b.stage('holes', b.convTranspose('holes', x, 2, 3, { stride: 2, dilation: 3 })); // taps 0, 3, 6: two inputs, 3 apart
    b.stage('again', b.convTranspose('again', 'up', 1, [4, 3], { stride: [2, 3], padding: [[2, 1], [0, 2]] }));
    const g = b.build();
    expectMatchesBruteForce(g, 9, 8);
    expectMatchesBruteForce(g, 10, 7);
    expectInsideEnvelope(g, 10, 7);
    const r = computeReceptiveFields(g, { height: 9, width: 8 });
    expect(r.layers['up']!.grid).toEqual([10, 8]); // (5−1)·2 + 3 − 2 + 1 rows, (4−1)·2 + 3 − 1 columns
    // down's row t sees [2t − 1, 2t + 2); up's row 1 reads t = 0 and 1 (taps 2 and 0)
    expect(r.layers['up']!.rows.slice(0, 3)).toEqual([[0, 2], [0, 4], [1, 4]]);
    expect(r.layers['sparse']!.rows.slice(0, 4)).toEqual([[0, 2], [0, 2], [0, 0], [1, 4]]); // row 2 reads nothing
    expect(r.layers['holes']).toMatchObject({ holes: true });
    expect(r.layers['holes']!.exact!.rowSets[6]).toEqual([[0, 2], [5, 8]]); // down's rows 0 and 3 → not an interval
    // Araujo envelope: stride j/s, field r + (k−1)·d·j/s, padding p + j·((k−1)·d − pad)/s
    expect([r.layers['up']!.rf, r.layers['up']!.stride, r.layers['up']!.padding]).toEqual([[5, 5], [1, 1], [2, 2]]);
    expect([r.layers['holes']!.rf[0], r.layers['holes']!.stride[0], r.layers['holes']!.padding[0]]).toEqual([9, 1, 7]);
    expect(r.layers['sparse']!.stride[0]).toBeCloseTo(2 / 3, 12); // fractional: three outputs per two pixels
  });

  it('a transposed convolution of a cross (a general field) stays exact', () => {
    const b = new GraphBuilder('crossup', 1);
    const h = b.conv('h', INPUT, 1, [1, 3], { padding: [0, 1] });
    const v = b.conv('v', INPUT, 1, [3, 1], { padding: [1, 0] });
    b.stage('mix', b.sum('mix', [h, v]));
    b.stage('up', b.convTranspose('up', 'mix', 1, 2, { stride: 2 }));
    b.stage('up3', b.convTranspose('up3', 'mix', 1, 1, { stride: 3 })); // empty units in a general field
    expectMatchesBruteForce(b.build(), 6, 5);
  });

  it('upsampling (nearest, bilinear with and without half-pixel centres), cropping, rescaling', () => {
    for (const half of [true, false]) {
      const b = new GraphBuilder('up', 1);
      const x = b.stage('c', b.conv('c', INPUT, 2, 3, { stride: 2 }));
      b.stage('nearest', b.upsample('nearest', x, [2, 3]));
      b.stage('bilinear2', b.upsample('bilinear2', x, 2, 'bilinear', half));
      b.stage('bilinear3', b.upsample('bilinear3', x, [3, 4], 'bilinear', half));
      b.stage('crop', b.crop('crop', 'bilinear3', [[1, 2], [0, 3]]));
      b.stage('scaled', b.rescale('scaled', 'crop', 'rescaling', 1 / 255));
      const g = b.build();
      expectMatchesBruteForce(g, 11, 9);
      expectInsideEnvelope(g, 11, 9);
      const r = computeReceptiveFields(g, { height: 11, width: 9 });
      expect(r.layers['scaled']!.rows).toEqual(r.layers['crop']!.rows);
      // nearest ×2 on c: unit o reads c's ⌊o/2⌋, 3 pixels at stride 2
      expect(r.layers['nearest']!.rows.slice(0, 3)).toEqual([[0, 3], [0, 3], [2, 5]]);
      expect([r.layers['nearest']!.rf[0], r.layers['nearest']!.stride[0], r.layers['nearest']!.padding[0]]).toEqual([4, 1, 1]);
      // bilinear is wider: with half-pixel centres output 1 sits between c's 0 and 1; without, output 1 too
      expect(r.layers['bilinear2']!.rows.slice(0, 3)).toEqual(half ? [[0, 3], [0, 5], [0, 5]] : [[0, 3], [0, 5], [2, 5]]);
    }
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

  it('a Dense layer after Flatten sees the whole input, as does a global pool', () => {
    const b = new GraphBuilder('head', 1);
    const c = b.stage('conv', b.conv('conv', INPUT, 2, 3, { stride: 2 }));
    b.stage('fc', b.linear('fc', b.flatten('flat', c), 4));
    b.stage('fc2', b.linear('fc2', 'fc', 2));
    b.stage('gap', b.adaptiveAvgPool('gap', c, 1));
    const r = computeReceptiveFields(b.build(), { height: 15, width: 11 });
    expect(r.layers['conv']!.rf).toEqual([3, 3]);
    for (const name of ['fc', 'fc2', 'gap']) {
      // conv's 7×5 units at stride 2: 3 + 6·2 = 15 rows, 3 + 4·2 = 11 columns
      expect([name, r.layers[name]!.rf, r.layers[name]!.rows]).toEqual([name, [15, 11], [[0, 15]]]);
    }
  });

  it('bound the input size and map sizes, with the limit named, and never spread long arrays', () => {
    expect(() => computeReceptiveFields(zooModel('vgg11'), { height: 300000 })).toThrow(/input height must be a whole number of pixels from 1 to 16384, got 300000/);
    expect(() => computeReceptiveFields(zooModel('vgg11'), { height: 224, width: 0 })).toThrow(/input width must be/);
    const b = new GraphBuilder('pad', 1);
    b.stage('pad', b.zeroPad('pad', INPUT, 10000));
    expect(() => computeReceptiveFields(b.build(), { height: 10 })).toThrow(/node 'pad' \(zeroPad2d\): the output would be 20010x20010, larger than the 16384/);
    // a cross on a 2048×1024 map would need 2M units kept one by one: refused, naming the node
    const x = new GraphBuilder('bigcross', 1);
    x.stage('mix', x.sum('mix', [x.conv('h', INPUT, 1, [1, 3], { padding: [0, 1] }), x.conv('v', INPUT, 1, [3, 1], { padding: [1, 0] })]));
    expect(() => computeReceptiveFields(x.build(), { height: 2048, width: 1024 }))
      .toThrow(/bigcross: node 'mix' \(add\): its fields are not rows × cols, and checking them unit by unit needs 2048x1024 units, more than the 1048576/);
    expect(computeReceptiveFields(x.build(), { height: 64, width: 32 }).layers['mix']!.product).toBe(false);
    // a tall, thin input: 16384 rows would overflow Math.min(...rows) (a product field's areas)
    const t = new GraphBuilder('tall', 1);
    t.stage('c', t.conv('c', INPUT, 1, 3, { padding: 1 }));
    const r = computeReceptiveFields(t.build(), { height: 16384, width: 2 });
    expect(r.layers['c']!.grid).toEqual([16384, 2]);
    expect(r.layers['c']!.minAreaPct).toBeCloseTo((100 * 4) / (16384 * 2), 9);
  });

  it('explain unknown layers and insertion points', () => {
    expect(() => computeReceptiveFields(zooModel('vgg11'), { height: 224, layers: ['pool9'] }))
      .toThrow(/vgg11 has no layer 'pool9'. Its layers are: conv_no_act1, conv1, maxpool1/);
    expect(() => computeReceptiveFields(zooModel('vgg11'), { height: 224, layers: ['maxpool1'], insertAt: 'maxpool3' }))
      .toThrow(/come before --insert-at maxpool3/);
    expect(() => computeReceptiveFields(zooModel('vgg11'), { height: 16 })).toThrow(/too small/);
  });
});
