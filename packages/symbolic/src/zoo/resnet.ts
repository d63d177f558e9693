/**
 * ResNet, ResNeXt and Wide ResNet (torchvision `resnet.py`, V1.5: the stride sits on the bottleneck's 3×3);
 * stages `conv1_no_act`, `bn1`, `conv1` (after the stem ReLU), `maxpool`, `layer1`…`layer4`, `avgpool`, `fc`.
 */
import { GraphBuilder } from '../ir/builder.js';
import { INPUT } from '../ir/types.js';
import type { Graph } from '../ir/types.js';
import type { ZooConstructor, ZooOptions } from './types.js';

interface ResNetSpec {
  block: 'basic' | 'bottleneck';
  layers: [number, number, number, number];
  groups?: number;
  widthPerGroup?: number;
  /** Stage widths (default torchvision's 64, 128, 256, 512). */
  widths?: [number, number, number, number];
  /** Stem width (default 64). */
  stem?: number;
}

/** A ResNet-family graph with torchvision's module paths as node ids. */
export function resnet(name: string, spec: ResNetSpec, options: ZooOptions = {}): Graph {
  const b = new GraphBuilder(name, 3);
  const groups = spec.groups ?? 1, widthPerGroup = spec.widthPerGroup ?? 64;
  const expansion = spec.block === 'basic' ? 1 : 4;
  const stem = spec.stem ?? 64;
  let x = b.stage('conv1_no_act', b.conv('conv1', INPUT, stem, 7, { stride: 2, padding: 3, bias: false }));
  x = b.stage('bn1', b.bn('bn1', x));
  x = b.act('relu', x);
  b.stage('conv1', x);
  x = b.maxPool('maxpool', x, 3, { stride: 2, padding: 1 });
  b.stage('maxpool', x);
  let inplanes = stem;
  (spec.widths ?? [64, 128, 256, 512]).forEach((planes, li) => {
    for (let k = 0; k < spec.layers[li]!; k++) {
      const p = `layer${li + 1}.${k}`;
      const stride = k === 0 && li > 0 ? 2 : 1;
      const identity = x;
      let y: string;
      if (spec.block === 'basic') {
        y = b.conv(`${p}.conv1`, x, planes, 3, { stride, padding: 1, bias: false });
        y = b.act(`${p}.relu`, b.bn(`${p}.bn1`, y));
        y = b.bn(`${p}.bn2`, b.conv(`${p}.conv2`, y, planes, 3, { padding: 1, bias: false }));
      } else {
        const width = Math.floor(planes * (widthPerGroup / 64)) * groups;
        y = b.act(`${p}.relu`, b.bn(`${p}.bn1`, b.conv(`${p}.conv1`, x, width, 1, { bias: false })));
        y = b.act(`${p}.relu_1`, b.bn(`${p}.bn2`, b.conv(`${p}.conv2`, y, width, 3, { stride, padding: 1, groups, bias: false })));
        y = b.bn(`${p}.bn3`, b.conv(`${p}.conv3`, y, planes * expansion, 1, { bias: false }));
      }
      let shortcut = identity;
      if (k === 0 && (stride !== 1 || inplanes !== planes * expansion)) {
        shortcut = b.bn(`${p}.downsample.1`, b.conv(`${p}.downsample.0`, identity, planes * expansion, 1, { stride, bias: false }));
      }
      x = b.act(`${p}.relu_out`, b.sum(`${p}.add`, [y, shortcut]));
      inplanes = planes * expansion;
    }
    b.stage(`layer${li + 1}`, x);
  });
  x = b.adaptiveAvgPool('avgpool', x, 1);
  b.stage('avgpool', x);
  x = b.linear('fc', b.flatten('flatten', x), options.numClasses ?? 1000);
  b.stage('fc', x);
  return b.build();
}

const SPECS: Record<string, ResNetSpec> = {
  resnet18: { block: 'basic', layers: [2, 2, 2, 2] },
  resnet34: { block: 'basic', layers: [3, 4, 6, 3] },
  resnet50: { block: 'bottleneck', layers: [3, 4, 6, 3] },
  resnet101: { block: 'bottleneck', layers: [3, 4, 23, 3] },
  resnet152: { block: 'bottleneck', layers: [3, 8, 36, 3] },
  resnext50_32x4d: { block: 'bottleneck', layers: [3, 4, 6, 3], groups: 32, widthPerGroup: 4 },
  resnext101_32x8d: { block: 'bottleneck', layers: [3, 4, 23, 3], groups: 32, widthPerGroup: 8 },
  resnext101_64x4d: { block: 'bottleneck', layers: [3, 4, 23, 3], groups: 64, widthPerGroup: 4 },
  wide_resnet50_2: { block: 'bottleneck', layers: [3, 4, 6, 3], widthPerGroup: 128 },
  wide_resnet101_2: { block: 'bottleneck', layers: [3, 4, 23, 3], widthPerGroup: 128 },
};

/** The ResNet-family constructors by torchvision name. */
export const RESNET_MODELS: Record<string, ZooConstructor> = Object.fromEntries(
  Object.entries(SPECS).map(([n, s]) => [n, (o?: ZooOptions) => resnet(n, s, o)]),
);
