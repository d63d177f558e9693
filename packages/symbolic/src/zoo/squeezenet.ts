/** SqueezeNet 1.0 and 1.1 (torchvision `squeezenet.py`); stages of spec §1.4/§2.1. */
import { GraphBuilder } from '../ir/builder.js';
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import type { ZooConstructor, ZooOptions } from './types.js';

type Item = 'M' | [number, number, number]; // max-pool, or Fire(squeeze, expand1x1, expand3x3)

function fire(b: GraphBuilder, p: string, x: string, [s, e1, e3]: [number, number, number]): string {
  const sq = b.act(`${p}.squeeze_activation`, b.conv(`${p}.squeeze`, x, s, 1));
  const a = b.act(`${p}.expand1x1_activation`, b.conv(`${p}.expand1x1`, sq, e1, 1));
  const c = b.act(`${p}.expand3x3_activation`, b.conv(`${p}.expand3x3`, sq, e3, 3, { padding: 1 }));
  return b.cat(`${p}.cat`, [a, c]);
}

/**
 * A SqueezeNet graph; `conv1` is `features.0`, the pools are `maxpool1..3`, `features` the last Fire, and the
 * other feature indices are stages `features.<i>` (spec §2.1).
 */
export function squeezenet(name: string, version: '1_0' | '1_1', options: ZooOptions = {}): Graph {
  const b = new GraphBuilder(name, 3);
  const [stemC, stemK] = version === '1_0' ? [96, 7] : [64, 3];
  const items: Item[] = version === '1_0'
    ? ['M', [16, 64, 64], [16, 64, 64], [32, 128, 128], 'M', [32, 128, 128], [48, 192, 192], [48, 192, 192], [64, 256, 256], 'M', [64, 256, 256]]
    : ['M', [16, 64, 64], [16, 64, 64], 'M', [32, 128, 128], [32, 128, 128], 'M', [48, 192, 192], [48, 192, 192], [64, 256, 256], [64, 256, 256]];
  let x = b.stage('conv1', b.conv('features.0', INPUT, stemC, stemK, { stride: 2 }));
  x = b.stage('features.1', b.act('features.1', x));
  let i = 2, pools = 0;
  items.forEach((it, n) => {
    const id = `features.${i++}`;
    if (it === 'M') x = b.stage(`maxpool${++pools}`, b.maxPool(id, x, 3, { stride: 2, ceilMode: true }));
    else x = b.stage(n === items.length - 1 ? 'features' : id, fire(b, id, x, it));
  });
  x = b.identity('classifier.0', x, 'dropout', 0.5);
  x = b.stage('final_conv', b.conv('classifier.1', x, options.numClasses ?? 1000, 1));
  x = b.act('classifier.2', x);
  x = b.stage('avgpool', b.adaptiveAvgPool('classifier.3', x, 1));
  b.stage('flatten', b.flatten('flatten', x));
  return b.build();
}

/** The SqueezeNet constructors by torchvision name. */
export const SQUEEZENET_MODELS: Record<string, ZooConstructor> = {
  squeezenet1_0: (o?: ZooOptions) => squeezenet('squeezenet1_0', '1_0', o),
  squeezenet1_1: (o?: ZooOptions) => squeezenet('squeezenet1_1', '1_1', o),
};
