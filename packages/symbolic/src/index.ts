/**
 * `@pixpnet/symbolic`: Architecture description (one graph IR), exact receptive-field analysis, the backbone zoo. Zero runtime dependencies.
 *
 * @packageDocumentation
 */
export {};
