/** Max pools, zero padding and flatten: relevance routed as the gradient is — to each window's maximum (winner-take-all, spec §6.7). */
import { tf } from '@pixpnet/engine';
import type { Tensor } from '@pixpnet/engine';
import type { Rule } from './types.js';

export const winnerRule: Rule = ({ inputs: [x], relevance, forward }) => [tf.grad((a: Tensor) => tf.sum(tf.mul(forward([a]), relevance)))(x!)];
