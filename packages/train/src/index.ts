/**
 * `@pixpnet/train`: the PixPNet training pipeline (being built; see the project issues). Today: losses, learning-rate schedules and grouped optimizers.
 *
 * @packageDocumentation
 */
export { protoLosses, DEFAULT_COEFFICIENTS } from './losses.js';
export type { LossCoefficients, LossTerms } from './losses.js';
export { lrMultiplier, baseSchedule } from './schedule.js';
export type { ScheduleOptions } from './schedule.js';
export { GroupedOptimizer, optimizerName } from './optimizers.js';
export type { OptimizerOptions, ParamGroup } from './optimizers.js';
export { TRAIN_OPTIONS } from './options.js';
export type { OptionSpec } from './options.js';
export { resolveConfig, configSchema, flatten, parseValue } from './config.js';
export type { FlatConfig } from './config.js';
