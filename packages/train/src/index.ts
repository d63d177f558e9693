/**
 * `@pixpnet/train`: the PixPNet training pipeline (being built; see the project issues). Today: the losses.
 *
 * @packageDocumentation
 */
export { protoLosses, DEFAULT_COEFFICIENTS } from './losses.js';
export type { LossCoefficients, LossTerms } from './losses.js';
