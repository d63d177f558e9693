/**
 * `@pixpnet/prp`: prototypical relevance propagation (PRP, spec §6.7) — LRP for prototype networks — built from
 * the one graph IR, so every backbone made of convolutions, batch norm, ReLU, pools, residual sums and
 * concatenation works (ResNet, VGG, DenseNet, SqueezeNet). The model is never modified.
 *
 * @packageDocumentation
 */
export { prpHeatmaps, IMAGENET_BOUNDS } from './prp.js';
export type { PrpOptions } from './prp.js';
export { canonize } from './canonize.js';
export type { Canonized, LrpNode } from './canonize.js';
export { latentRelevance } from './prototype.js';
export { RULES, ruleFor } from './rules/registry.js';
export type { Rule, RuleInput, RuleOptions } from './rules/types.js';
