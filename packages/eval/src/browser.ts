/**
 * `@pixpnet/eval/browser`: what runs in a browser — the pixel-space maps, the heat-map registry and `explainImage`
 * (no file system, no image codec, no plotting): the exported page explains with exactly the code Node uses.
 */
export { rfHeatmaps, gaussianWindow } from './maps/gaussian.js';
export type { RfHeatmapOptions, RfHeatmaps } from './maps/gaussian.js';
export { upsampleBicubic } from './maps/bicubic.js';
export { naiveCenter, naiveMidpoints, rfCenter, argmaxCenter } from './maps/centers.js';
export { registerHeatmapMethod, heatmapMethod, heatmapMethodNames } from './maps/registry.js';
export type { HeatmapMethod, HeatmapInput } from './maps/registry.js';
export { explainImage, contributions, EXPLAIN_SORTS } from './explain/explain.js';
export type { Explanation, ExplainOptions, ExplainSort, PrototypeEvidence } from './explain/explain.js';
