/** DenseNet-BC 121/161/169/201 (torchvision `densenet.py`); stages of spec §1.4 plus `norm0` and `norm5`. */
import { GraphBuilder } from '../ir/builder.js';
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import type { ZooConstructor, ZooOptions } from './types.js';

interface DenseNetSpec {
  growth: number;
  blocks: [number, number, number, number];
  init: number;
}

/** A DenseNet graph; node ids are torchvision's (`features.denseblock1.denselayer1.conv1`). */
export function densenet(name: string, spec: DenseNetSpec, options: ZooOptions = {}): Graph {
  const b = new GraphBuilder(name, 3);
  const bnSize = 4;
  let x = b.stage('conv0', b.conv('features.conv0', INPUT, spec.init, 7, { stride: 2, padding: 3, bias: false }));
  x = b.stage('norm0', b.bn('features.norm0', x));
  x = b.stage('relu0', b.act('features.relu0', x));
  x = b.stage('pool0', b.maxPool('features.pool0', x, 3, { stride: 2, padding: 1 }));
  let c = spec.init;
  spec.blocks.forEach((layers, bi) => {
    const p = `features.denseblock${bi + 1}`;
    const feats = [x];
    for (let l = 1; l <= layers; l++) {
      const q = `${p}.denselayer${l}`;
      const input = feats.length === 1 ? feats[0]! : b.cat(`${q}.cat`, [...feats]);
      let y = b.act(`${q}.relu1`, b.bn(`${q}.norm1`, input));
      y = b.conv(`${q}.conv1`, y, bnSize * spec.growth, 1, { bias: false });
      y = b.act(`${q}.relu2`, b.bn(`${q}.norm2`, y));
      feats.push(b.conv(`${q}.conv2`, y, spec.growth, 3, { padding: 1, bias: false }));
    }
    x = b.stage(`denseblock${bi + 1}`, b.cat(`${p}.cat`, feats));
    c += layers * spec.growth;
    if (bi < 3) {
      const t = `features.transition${bi + 1}`;
      let y = b.act(`${t}.relu`, b.bn(`${t}.norm`, x));
      c = Math.floor(c / 2);
      y = b.conv(`${t}.conv`, y, c, 1, { bias: false });
      x = b.stage(`transition${bi + 1}`, b.avgPool(`${t}.pool`, y, 2, { stride: 2 }));
    }
  });
  x = b.stage('norm5', b.bn('features.norm5', x));
  x = b.adaptiveAvgPool('avgpool', b.act('relu', x), 1);
  b.stage('avgpool', x);
  b.stage('classifier', b.linear('classifier', b.flatten('flatten', x), options.numClasses ?? 1000));
  return b.build();
}

const SPECS: Record<string, DenseNetSpec> = {
  densenet121: { growth: 32, blocks: [6, 12, 24, 16], init: 64 },
  densenet161: { growth: 48, blocks: [6, 12, 36, 24], init: 96 },
  densenet169: { growth: 32, blocks: [6, 12, 32, 32], init: 64 },
  densenet201: { growth: 32, blocks: [6, 12, 48, 32], init: 64 },
};

/** The DenseNet constructors by torchvision name. */
export const DENSENET_MODELS: Record<string, ZooConstructor> = Object.fromEntries(
  Object.entries(SPECS).map(([n, s]) => [n, (o?: ZooOptions) => densenet(n, s, o)]),
);
