/** Concatenation over channels: each input gets the relevance of its own channels. */
import { tf } from '@pixpnet/engine';
import type { ConcatOp } from '@pixpnet/symbolic';
import type { Rule } from './types.js';

export const concatRule: Rule<ConcatOp> = ({ inputs, relevance }) => {
  const axis = relevance.rank - 1;
  return tf.split(relevance, inputs.map((x) => x.shape[axis]!), axis);
};
