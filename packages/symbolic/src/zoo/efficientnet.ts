/** EfficientNet B0–B7 (torchvision `efficientnet.py`); stages `0`…`8` (indices into `features`), `avgpool`, `classifier`. */
import { GraphBuilder } from '../ir/builder.js';
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import type { ZooConstructor, ZooOptions } from './types.js';

/** torchvision's `_make_divisible`. */
export function makeDivisible(v: number, divisor: number, minValue = divisor): number {
  let out = Math.max(minValue, Math.floor(Math.floor(v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}

// expand ratio, kernel, stride, in, out, layers (B0)
const BASE: Array<[number, number, number, number, number, number]> = [
  [1, 3, 1, 32, 16, 1], [6, 3, 2, 16, 24, 2], [6, 5, 2, 24, 40, 2], [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3], [6, 5, 2, 112, 192, 4], [6, 3, 1, 192, 320, 1],
];

interface Scale {
  width: number;
  depth: number;
  dropout: number;
  bnEps: number;
  bnMomentum: number;
}

/** An EfficientNet graph; node ids are torchvision's (`features.1.0.block.0.0`). */
export function efficientnet(name: string, s: Scale, options: ZooOptions = {}): Graph {
  const b = new GraphBuilder(name, 3);
  const ch = (c: number) => makeDivisible(c * s.width, 8);
  const bn = (id: string, x: string) => b.bn(id, x, s.bnEps, s.bnMomentum);
  const cna = (id: string, x: string, out: number, k: number, o: { stride?: number; groups?: number; act?: boolean } = {}) => {
    let y = bn(`${id}.1`, b.conv(`${id}.0`, x, out, k, { stride: o.stride ?? 1, padding: (k - 1) >> 1, groups: o.groups ?? 1, bias: false }));
    if (o.act !== false) y = b.act(`${id}.2`, y, 'silu');
    return y;
  };
  let x = b.stage('0', cna('features.0', INPUT, ch(32), 3, { stride: 2 }));
  const stages = BASE.map(([e, k, st, i, o, n]) => ({ e, k, st, i: ch(i), o: ch(o), n: Math.ceil(n * s.depth) }));
  const total = stages.reduce((a, t) => a + t.n, 0);
  let blockId = 0;
  stages.forEach((t, si) => {
    for (let j = 0; j < t.n; j++) {
      const p = `features.${si + 1}.${j}`;
      const inC = j === 0 ? t.i : t.o, stride = j === 0 ? t.st : 1;
      const expanded = makeDivisible(inC * t.e, 8);
      let y = x, li = 0;
      if (expanded !== inC) y = cna(`${p}.block.${li++}`, y, expanded, 1);
      y = cna(`${p}.block.${li++}`, y, expanded, t.k, { stride, groups: expanded });
      const se = `${p}.block.${li++}`;
      let sc = b.adaptiveAvgPool(`${se}.avgpool`, y, 1);
      sc = b.act(`${se}.activation`, b.conv(`${se}.fc1`, sc, Math.max(1, Math.floor(inC / 4)), 1), 'silu');
      sc = b.act(`${se}.scale_activation`, b.conv(`${se}.fc2`, sc, expanded, 1), 'sigmoid');
      y = b.mul(`${se}.scale`, [y, sc]);
      y = cna(`${p}.block.${li++}`, y, t.o, 1, { act: false });
      if (stride === 1 && inC === t.o) {
        y = b.identity(`${p}.stochastic_depth`, y, 'stochasticDepth', (0.2 * blockId) / total);
        y = b.sum(`${p}.add`, [y, x]);
      }
      x = y;
      blockId++;
    }
    b.stage(String(si + 1), x);
  });
  x = b.stage('8', cna('features.8', x, 4 * stages[stages.length - 1]!.o, 1));
  x = b.stage('avgpool', b.adaptiveAvgPool('avgpool', x, 1));
  x = b.identity('classifier.0', b.flatten('flatten', x), 'dropout', s.dropout);
  b.stage('classifier', b.linear('classifier.1', x, options.numClasses ?? 1000));
  return b.build();
}

const SCALES: Record<string, [number, number, number]> = {
  efficientnet_b0: [1.0, 1.0, 0.2], efficientnet_b1: [1.0, 1.1, 0.2], efficientnet_b2: [1.1, 1.2, 0.3], efficientnet_b3: [1.2, 1.4, 0.3],
  efficientnet_b4: [1.4, 1.8, 0.4], efficientnet_b5: [1.6, 2.2, 0.4], efficientnet_b6: [1.8, 2.6, 0.5], efficientnet_b7: [2.0, 3.1, 0.5],
};

/** The EfficientNet constructors by torchvision name (B5–B7 use batch-norm eps 1e-3, momentum 0.01, as torchvision). */
export const EFFICIENTNET_MODELS: Record<string, ZooConstructor> = Object.fromEntries(
  Object.entries(SCALES).map(([n, [width, depth, dropout]]) => {
    const late = ['efficientnet_b5', 'efficientnet_b6', 'efficientnet_b7'].includes(n);
    const scale: Scale = { width, depth, dropout, bnEps: late ? 1e-3 : 1e-5, bnMomentum: late ? 0.01 : 0.1 };
    return [n, (o?: ZooOptions) => efficientnet(n, scale, o)];
  }),
);
