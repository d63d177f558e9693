/**
 * Which stages of a backbone a sweep cuts at: the reference's list per family (ResNets: the stem's ReLU, its pool,
 * the four layers, the pool, the classifier; VGGs: the first ReLU, each max pool, the pool, the classifier;
 * DenseNets, Inception-v3 and SqueezeNets likewise), every named stage for other families. `Stage #` is the
 * 1-based position of the stage among all of the graph's named stages.
 */
import type { Graph } from '@pixpnet/symbolic';

const FAMILIES: Array<[RegExp, (names: string[]) => string[]]> = [
  [/^(resnet|resnext|wide_resnet)/, () => ['conv1', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc']],
  [/^vgg/, (names) => ['conv1', ...names.filter((n) => /^maxpool\d+$/.test(n)), 'avgpool', 'classifier']],
  [/^densenet/, (names) => names.filter((n) => /^(conv0|norm0|relu0|pool0|denseblock\d|transition\d|norm5|avgpool|classifier)$/.test(n))],
  [/^inception/, (names) => [...names.slice(0, names.indexOf('Mixed_6e') + 1), 'Mixed_7c', 'avgpool', 'fc']],
  [/^squeezenet/, () => ['conv1', 'maxpool1', 'maxpool2', 'maxpool3', 'features', 'final_conv']],
];

/** A stage to cut at and its 1-based position among the graph's stages. */
export interface SweepStage {
  name: string;
  number: number;
}

/** The default stages of `graph` (see the module comment), in network order. */
export function defaultSweepStages(graph: Graph): SweepStage[] {
  const names = graph.stages.map(([n]) => n);
  const family = FAMILIES.find(([re]) => re.test(graph.name));
  const wanted = new Set(family ? family[1](names) : names);
  return names.flatMap((name, k) => (wanted.has(name) ? [{ name, number: k + 1 }] : []));
}

/** The stages `names` of `graph` (in network order); undefined when `graph` has none of them. */
export function namedSweepStages(graph: Graph, names: readonly string[]): SweepStage[] {
  const all = graph.stages.map(([n]) => n);
  return all.flatMap((name, k) => (names.includes(name) ? [{ name, number: k + 1 }] : []));
}
