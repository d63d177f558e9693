/** The rule of each op type. Ops without one (attention, layer norm, multiplications, …) are refused by name. */
import type { OpType } from '@pixpnet/symbolic';
import { concatRule } from './concat.js';
import { convRule } from './conv.js';
import { epsilonRule, sumRule } from './epsilon.js';
import { identityRule } from './identity.js';
import { winnerRule } from './winner.js';
import type { Rule } from './types.js';

/** Rules by op type; `activation` covers ReLU and Sigmoid only (see {@link ruleFor}). */
export const RULES: Partial<Record<OpType, Rule<never>>> = {
  conv2d: convRule,
  batchNorm2d: identityRule,
  activation: identityRule,
  identity: identityRule,
  maxPool2d: winnerRule,
  zeroPad2d: winnerRule,
  avgPool2d: epsilonRule,
  adaptiveAvgPool2d: epsilonRule,
  linear: epsilonRule,
  flatten: winnerRule,
  add: sumRule,
  concat: concatRule,
};

const PASS_ACTIVATIONS = new Set(['relu', 'relu6', 'sigmoid']);

/** The rule for a node's op; an op without a rule is an error naming the node and the op. */
export function ruleFor(id: string, op: { type: OpType; fn?: string }): Rule<never> {
  const rule = Object.hasOwn(RULES, op.type) ? RULES[op.type] : undefined;
  if (!rule || (op.type === 'activation' && !PASS_ACTIVATIONS.has(op.fn ?? ''))) {
    const what = op.type === 'activation' ? `the ${op.fn} activation` : `the op '${op.type}'`;
    throw new Error(`PRP has no relevance rule for ${what} (node ${id}): it supports convolutions, batch norm, ReLU/Sigmoid, max and average pools, ` +
      'residual sums and concatenation (ResNet, VGG, DenseNet, SqueezeNet backbones).');
  }
  return rule;
}
