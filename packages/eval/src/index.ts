/**
 * `@pixpnet/eval`: Pixel-space mappings, consistency, stability, relevance ordering test and sweeps. Today: how
 * often pushed prototypes sit on their class's defining parts (the synthetic parts dataset).
 *
 * @packageDocumentation
 */
export { prototypePartGrounding, readClassParts } from './part_grounding.js';
export type { GroundingResult, PrototypeGrounding } from './part_grounding.js';
