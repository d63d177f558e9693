/**
 * `@pixpnet/eval`: Pixel-space mappings, consistency, stability, relevance ordering test and sweeps.
 *
 * @packageDocumentation
 */
export {};
