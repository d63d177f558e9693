/**
 * `@pixpnet/prp`: Prototypical relevance propagation (PRP) heat maps.
 *
 * @packageDocumentation
 */
export {};
