/**
 * Narrow, CPU-friendly backbones for the embedded synthetic demo and quick experiments: the shapes of VGG and
 * ResNet at a fraction of the width, with the same stage names as their full-size families.
 */
import { vgg } from './vgg.js';
import { resnet } from './resnet.js';
import type { ZooConstructor, ZooOptions } from './types.js';

/** The narrow constructors by name. */
export const NARROW_MODELS: Record<string, ZooConstructor> = {
  /** VGG-style, 4 blocks of width 16–64 with batch norm, 256-wide classifier (stages conv_no_act1…, maxpool1…4, avgpool, classifier). */
  vgg_nano_bn: (o?: ZooOptions) => vgg('vgg_nano_bn', [16, 'M', 32, 'M', 64, 64, 'M', 64, 64, 'M'], true, o, 256),
  /** VGG-style, 3 blocks of width 32–128 with batch norm: the engine benchmark's shape. */
  vgg_micro_bn: (o?: ZooOptions) => vgg('vgg_micro_bn', [32, 32, 'M', 64, 64, 'M', 128, 128, 'M'], true, o, 256),
  /** ResNet-10 layout (one basic block per stage) at widths 16–128. */
  resnet_nano: (o?: ZooOptions) => resnet('resnet_nano', { block: 'basic', layers: [1, 1, 1, 1], widths: [16, 32, 64, 128], stem: 16 }, o),
  /** ResNet layout with one bottleneck block per stage (inner widths 8–64, outputs 32–256): tests of bottleneck code paths. */
  resnet_nano_bottleneck: (o?: ZooOptions) => resnet('resnet_nano_bottleneck', { block: 'bottleneck', layers: [1, 1, 1, 1], widths: [8, 16, 32, 64], stem: 16 }, o),
};

export type { ZooOptions };
