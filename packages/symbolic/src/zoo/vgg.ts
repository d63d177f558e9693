/** VGG 11/13/16/19 with and without batch norm (torchvision `vgg.py`); stages of spec §1.4/§2.1. */
import { GraphBuilder } from '../ir/builder.js';
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import type { ZooConstructor, ZooOptions } from './types.js';

type Cfg = Array<number | 'M'>;

/** torchvision's configurations A, B, D, E. */
export const VGG_CFGS: Record<'A' | 'B' | 'D' | 'E', Cfg> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

/**
 * A VGG graph. Node ids are torchvision's (`features.<i>`, `classifier.<i>`); stages (spec §2.1) are
 * `conv_no_act<k>` (k-th conv), `bn<k>`, `conv<k>` (k-th ReLU), `maxpool1`…`maxpool5`, `avgpool` and `classifier`.
 */
export function vgg(name: string, cfg: Cfg, batchNorm: boolean, options: ZooOptions = {}, hidden = 4096): Graph {
  const b = new GraphBuilder(name, 3);
  let x = INPUT, c = 3, i = 0, pools = 0, relus = 0;
  for (const v of cfg) {
    if (v === 'M') {
      x = b.maxPool(`features.${i++}`, x, 2, { stride: 2 });
      b.stage(`maxpool${++pools}`, x);
      continue;
    }
    const k = ++relus;
    x = b.stage(`conv_no_act${k}`, b.conv(`features.${i++}`, x, v, 3, { padding: 1 }));
    if (batchNorm) x = b.stage(`bn${k}`, b.bn(`features.${i++}`, x));
    x = b.stage(`conv${k}`, b.act(`features.${i++}`, x, 'relu'));
    c = v;
  }
  x = b.adaptiveAvgPool('avgpool', x, 7);
  b.stage('avgpool', x);
  x = b.flatten('flatten', x);
  x = b.linear('classifier.0', x, hidden);
  x = b.act('classifier.1', x, 'relu');
  x = b.identity('classifier.2', x, 'dropout', 0.5);
  x = b.linear('classifier.3', x, hidden);
  x = b.act('classifier.4', x, 'relu');
  x = b.identity('classifier.5', x, 'dropout', 0.5);
  x = b.linear('classifier.6', x, options.numClasses ?? 1000);
  b.stage('classifier', x);
  void c;
  return b.build();
}

/** The VGG constructors by torchvision name. */
export const VGG_MODELS: Record<string, ZooConstructor> = Object.fromEntries(
  ([['vgg11', 'A'], ['vgg13', 'B'], ['vgg16', 'D'], ['vgg19', 'E']] as const).flatMap(([n, cfg]) => [
    [n, (o?: ZooOptions) => vgg(n, VGG_CFGS[cfg], false, o)],
    [`${n}_bn`, (o?: ZooOptions) => vgg(`${n}_bn`, VGG_CFGS[cfg], true, o)],
  ]),
);
