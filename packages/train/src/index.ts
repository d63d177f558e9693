/**
 * `@pixpnet/train`: the PixPNet training pipeline (being built; see the project issues). Today: the losses and the learning-rate schedules.
 *
 * @packageDocumentation
 */
export { protoLosses, DEFAULT_COEFFICIENTS } from './losses.js';
export type { LossCoefficients, LossTerms } from './losses.js';
export { lrMultiplier, baseSchedule } from './schedule.js';
export type { ScheduleOptions } from './schedule.js';
