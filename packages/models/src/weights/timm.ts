/**
 * timm's key names for the networks we share with torchvision, mapped to torchvision's. VGG differs: timm's
 * `pre_logits.fc1` is a 7×7 convolution holding torchvision's first linear layer, `pre_logits.fc2` a 1×1 one, and
 * the last layer is `head.fc`. ResNet, DenseNet and Inception-v3 keep torchvision's names.
 */
import type { StateDict } from '../state_dict.js';

const RENAMES: Array<[RegExp, string]> = [
  [/^pre_logits\.fc1\./, 'classifier.0.'],
  [/^pre_logits\.fc2\./, 'classifier.3.'],
  [/^head\.fc\./, 'classifier.6.'],
];

/** True when a state dict uses timm's names. */
export function isTimmStateDict(dict: StateDict): boolean {
  return [...dict.keys()].some((k) => RENAMES.some(([re]) => re.test(k)));
}

/** Renames timm keys to torchvision's; convolution-shaped linear weights are flattened to `[out, in]`. */
export function timmToTorchvision(dict: StateDict): StateDict {
  const out: StateDict = new Map();
  for (const [key, e] of dict) {
    const rule = RENAMES.find(([re]) => re.test(key));
    const name = rule ? key.replace(rule[0], rule[1]) : key;
    const shape = rule && e.shape.length === 4 ? [e.shape[0]!, e.shape[1]! * e.shape[2]! * e.shape[3]!] : e.shape;
    out.set(name, { shape, data: e.data });
  }
  return out;
}
