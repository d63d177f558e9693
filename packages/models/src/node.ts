/**
 * `@pixpnet/models/node`: the parts that need Node's file system and network: pretrained weights (path, URL,
 * `hf:`) and saving/loading model folders.
 */
export { resolvePretrained, loadPretrained, hfUrl, cacheDir, defaultPretrained } from './weights/pretrained.js';
export type { PretrainedOptions } from './weights/pretrained.js';
export { saveProtoNet, loadProtoNet } from './protonet/model_files.js';
export { createProtoNet } from './protonet/create.js';
