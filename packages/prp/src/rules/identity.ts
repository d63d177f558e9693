/** Identity rule: ReLU, Sigmoid, (folded or reset) batch norm, dropout — relevance passes unchanged (spec §6.7). */
import type { Rule } from './types.js';

export const identityRule: Rule = ({ relevance }) => [relevance];
