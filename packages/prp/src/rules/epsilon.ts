/**
 * ε-rules (spec §6.7), ε = 1e-6: average pools and linear layers (`R_in = x ⊙ ∂⟨f(x), R/(z ± ε)⟩/∂x` with the layer's
 * own forward `f`), and the residual sum, whose relevance is split between the summands in proportion to them.
 */
import { tf } from '@pixpnet/engine';
import type { Tensor } from '@pixpnet/engine';
import { plusEpsilon } from './stabilise.js';
import type { Rule } from './types.js';

export const epsilonRule: Rule = ({ inputs: [x], relevance, forward, options }) => {
  const s = tf.div(relevance, plusEpsilon(forward([x!]), options.epsilon));
  return [tf.mul(x!, tf.grad((a: Tensor) => tf.sum(tf.mul(forward([a]), s)))(x!))];
};

export const sumRule: Rule = ({ inputs, relevance, options }) => {
  const s = tf.div(relevance, plusEpsilon(tf.addN(inputs), options.epsilon));
  return inputs.map((x) => tf.mul(x, s));
};
