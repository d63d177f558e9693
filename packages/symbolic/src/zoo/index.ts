/** The backbone zoo: every architecture by its torchvision name. */
import type { Graph } from '../ir/types.js';
import type { ZooConstructor, ZooOptions } from './types.js';
import { VGG_MODELS } from './vgg.js';
import { RESNET_MODELS } from './resnet.js';
import { DENSENET_MODELS } from './densenet.js';
import { SQUEEZENET_MODELS } from './squeezenet.js';
import { INCEPTION_MODELS } from './inception.js';
import { EFFICIENTNET_MODELS } from './efficientnet.js';
import { REGNET_MODELS } from './regnet.js';
import { CONVNEXT_MODELS } from './convnext.js';
import { NARROW_MODELS } from './narrow.js';

/** Every zoo constructor, by name. */
export const ZOO: Readonly<Record<string, ZooConstructor>> = { ...VGG_MODELS, ...RESNET_MODELS, ...DENSENET_MODELS, ...SQUEEZENET_MODELS, ...INCEPTION_MODELS,
  ...EFFICIENTNET_MODELS, ...REGNET_MODELS, ...CONVNEXT_MODELS, ...NARROW_MODELS };

/** The zoo's model names, sorted. */
export function zooNames(): string[] {
  return Object.keys(ZOO).sort();
}

/** Builds a zoo model, with an error listing the names when `name` is not one. */
export function zooModel(name: string, options?: ZooOptions): Graph {
  const make = Object.hasOwn(ZOO, name) ? ZOO[name] : undefined; // not Object.prototype's 'valueOf'
  if (!make) throw new Error(`Unknown model '${name}'. Models in the zoo: ${zooNames().join(', ')}.`);
  return make(options);
}
