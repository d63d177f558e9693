/** Builds a ProtoNet whose backbone starts from `pretrained` weights (a path, an http(s) URL or `hf:`). */
import { ProtoNet } from './protonet.js';
import type { ProtoNetConfig } from './protonet.js';
import { loadPretrained } from '../weights/pretrained.js';
import type { PretrainedOptions } from '../weights/pretrained.js';

/**
 * A ProtoNet with `pretrained` backbone weights (torchvision or timm names; keys of layers after the cut are
 * ignored), or random initial weights when `pretrained` is absent or `false`.
 */
export async function createProtoNet(config: ProtoNetConfig & { pretrained?: string | false }, options: PretrainedOptions = {}): Promise<ProtoNet> {
  const { pretrained, ...rest } = config;
  if (!pretrained) return new ProtoNet(rest);
  const weights = await loadPretrained(pretrained, options);
  return new ProtoNet({ ...rest, backboneWeights: weights });
}
