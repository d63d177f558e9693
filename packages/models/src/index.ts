/**
 * `@pixpnet/models`: tfjs backbones built from the `@pixpnet/symbolic` IR, cut at named layers, with
 * torchvision-named parameters and state-dict import.
 *
 * @packageDocumentation
 */
export { Backbone } from './backbone.js';
export { layerwiseGradients } from './layerwise.js';
export type { LayerwiseResult } from './layerwise.js';
export type { BackboneOptions, ForwardOptions } from './backbone.js';
export { parameterSpecs, toTfLayout, toTorchLayout } from './params.js';
export type { ParamSpec, ParamLayout } from './params.js';
export { loadStateDict, exportStateDict } from './state_dict.js';
export type { StateDict, StateEntry, ParamHost } from './state_dict.js';
export { EXECUTORS } from './ops/registry.js';
export { ProtoNet } from './protonet/protonet.js';
export type { ProtoNetConfig, ProtoNetOutput, PushRecords } from './protonet/protonet.js';
export { planBackbone, checkHead } from './protonet/plan.js';
export type { BackbonePlan, HeadSettings, RfBox } from './protonet/plan.js';
export { addOnGraph } from './protonet/add_on.js';
export type { AddOnType } from './protonet/add_on.js';
export { modelInfo, graphMacs } from './info.js';
export { protoNetToArtifacts, protoNetFromArtifacts } from './protonet/serialize.js';
export type { ProtoNetModelJson } from './protonet/serialize.js';
export type { ModelInfo } from './info.js';
export { readSafetensors, writeSafetensors } from './weights/safetensors.js';
export { timmToTorchvision, isTimmStateDict } from './weights/timm.js';
export { microBatchSize, bytesPerSample, evalBytesPerSample, parameterBytes, activationFloats, trainingBytes, WASM_STEP_BUDGET } from './memory.js';
