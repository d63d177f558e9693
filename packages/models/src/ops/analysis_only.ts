/**
 * Ops that `@pixpnet/symbolic` analyses (imported Keras decoders and preprocessing) but backbones never contain:
 * running one is a clear error naming the node, never a silent identity.
 */
import type { Op } from '@pixpnet/symbolic';
import type { Executor } from './types.js';

/** An executor that refuses its op, naming the node. */
export function analysisOnly(type: Op['type']): Executor<never> {
  return (_op, _inputs, ctx) => {
    throw new Error(`Node '${ctx.id}': op '${type}' is supported by the receptive-field analysis only; @pixpnet/models cannot run it.`);
  };
}
