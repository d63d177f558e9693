/** Saving and loading a ProtoNet folder (`model.json` + `weights.bin`) in Node, written atomically. */
import fs from 'node:fs';
import path from 'node:path';
import { readBoundedFile, readBoundedText, writeAllAtomic } from '@pixpnet/engine';
import type { ProtoNet } from './protonet.js';
import { protoNetFromArtifacts, protoNetToArtifacts } from './serialize.js';
import type { ProtoNetModelJson } from './serialize.js';

/**
 * Writes `dir/model.json` and `dir/weights.bin` atomically together: both are written whole to temporary files
 * before either replaces a previous one (a full disk leaves the previous pair as it was).
 */
export async function saveProtoNet(model: ProtoNet, dir: string): Promise<void> {
  const { modelJson, weights } = await protoNetToArtifacts(model, 'weights.bin');
  writeAllAtomic([[path.join(dir, 'weights.bin'), new Uint8Array(weights)], [path.join(dir, 'model.json'), JSON.stringify(modelJson)]]);
}

/** Reads a folder written by {@link saveProtoNet}. */
export function loadProtoNet(dir: string): ProtoNet {
  const jsonPath = path.join(dir, 'model.json');
  if (!fs.existsSync(jsonPath)) throw new Error(`No model.json in ${dir}: give the folder a model was saved to.`);
  const modelJson = JSON.parse(readBoundedText(jsonPath, { maxBytes: 64 * 1024 ** 2, what: 'a model description (model.json)' })) as ProtoNetModelJson;
  const file = path.join(dir, modelJson.weightsManifest?.[0]?.paths?.[0] ?? 'weights.bin');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: model.json refers to it.`);
  const bytes = readBoundedFile(file, { maxBytes: 16 * 1024 ** 3, what: 'the weights model.json names' });
  return protoNetFromArtifacts(modelJson, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}
