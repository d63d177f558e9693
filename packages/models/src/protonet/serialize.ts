/**
 * A whole ProtoNet as TensorFlow.js-style artifacts: `model.json` (config, push records and a weights manifest)
 * and one binary weights file. Pure: it runs in browsers (`fetch` the two files and call {@link protoNetFromArtifacts}).
 */
import { tf } from '@pixpnet/engine';
import type { Tensor } from '@pixpnet/engine';
import { ProtoNet } from './protonet.js';
import type { ProtoNetConfig } from './protonet.js';

/** The `model.json` of a saved ProtoNet. */
export interface ProtoNetModelJson {
  format: 'pixpnet-protonet';
  version: 1;
  config: Omit<ProtoNetConfig, 'backboneWeights'>;
  push: { sampleIdxs: number[]; fmapIdxs: number[] };
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

/** Every tensor to save, named by group and torchvision key. */
function namedTensors(m: ProtoNet): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  for (const [k, v] of m.backbone.variables()) out[`backbone/${k}`] = v;
  for (const [k, v] of m.addOn.variables()) out[`add_on_layers/${k}`] = v;
  out['prototypes'] = m.prototypes;
  if (m.readout) out['readout'] = m.readout;
  return out;
}

/** Serialises a ProtoNet: the JSON and the weights bytes (`weightsPath` is the file name the JSON refers to). */
export async function protoNetToArtifacts(m: ProtoNet, weightsPath = 'weights.bin'): Promise<{ modelJson: ProtoNetModelJson; weights: ArrayBuffer }> {
  const { data, specs } = await tf.io.encodeWeights(namedTensors(m));
  return {
    modelJson: {
      format: 'pixpnet-protonet', version: 1, config: { ...m.config },
      push: { sampleIdxs: Array.from(m.push.sampleIdxs), fmapIdxs: Array.from(m.push.fmapIdxs) },
      weightsManifest: [{ paths: [weightsPath], weights: specs }],
    },
    weights: data,
  };
}

/** Rebuilds a ProtoNet from its artifacts; every saved tensor must match the model the config describes. */
export function protoNetFromArtifacts(modelJson: ProtoNetModelJson, weights: ArrayBuffer): ProtoNet {
  if (modelJson?.format !== 'pixpnet-protonet') throw new Error('Not a saved PixPNet ProtoNet: model.json lacks "format": "pixpnet-protonet".');
  const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
  const expected = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * 4, 0);
  if (weights.byteLength !== expected) throw new Error(`The weights file holds ${weights.byteLength} bytes; model.json describes ${expected}. Are they from the same save?`);
  const tensors = tf.io.decodeWeights(weights, specs);
  const m = new ProtoNet({ ...modelJson.config });
  try {
    const targets = namedTensors(m);
    const problems = Object.keys(targets).filter((k) => !tensors[k] || tensors[k]!.shape.join() !== targets[k]!.shape.join());
    if (problems.length) throw new Error(`Saved weights do not fit the model: ${problems.slice(0, 10).join(', ')}${problems.length > 10 ? ', …' : ''}`);
    for (const [k, t] of Object.entries(targets)) (t as tf.Variable).assign(tensors[k] as Tensor);
    m.push = { sampleIdxs: Int32Array.from(modelJson.push.sampleIdxs), fmapIdxs: Int32Array.from(modelJson.push.fmapIdxs) };
    return m;
  } catch (e) {
    m.dispose();
    throw e;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
