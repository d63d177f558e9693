/** The interface every LRP rule implements (one rule per file, registered by op type in `registry.ts`). */
import type { Tensor } from '@pixpnet/engine';
import type { Op } from '@pixpnet/symbolic';

/** What a rule is given for one node. */
export interface RuleInput<O extends Op = Op> {
  op: O;
  /** The node's input activations (NHWC). */
  inputs: Tensor[];
  /** The relevance of the node's output, shaped like it. */
  relevance: Tensor;
  /** The node's forward computation on other inputs (the same parameters; folded ones after canonisation). */
  forward: (inputs: Tensor[]) => Tensor;
  /** The node's weight and bias (folded when a batch norm was folded into it), for the weighted layers. */
  weight?: Tensor;
  bias?: Tensor;
  /** Options of the rules. */
  options: RuleOptions;
  /** Per input, whether it has no negative value (known once per forward: a rule may skip its x⁻ half). */
  nonNegative?: boolean[];
  /** The canonised node id, for errors. */
  id: string;
}

/** Options shared by the rules. */
export interface RuleOptions {
  /** Stabiliser of the ε-rules (average pools, residual sums, linear layers), default 1e-6. */
  epsilon: number;
  /** Bounds `[l, h]` of the pixels for the z^B rule of the input convolution. */
  inputBounds: [number, number];
  /** The reference's behaviour: the input convolution uses the conv rule (its z^B rule never fired). */
  legacyInputRule: boolean;
  /** Whether this node is the convolution reading the image. */
  first: boolean;
}

/** A rule: the relevance of each input (undefined: none flows there). */
export type Rule<O extends Op = Op> = (r: RuleInput<O>) => Array<Tensor | undefined>;
