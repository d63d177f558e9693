/** The interface every op executor implements (one op kind per file, registered in `registry.ts`). */
import type { Tensor } from '@pixpnet/engine';
import type { Op } from '@pixpnet/symbolic';

/** What an executor may use besides its inputs. */
export interface NodeContext {
  /** The node id (torchvision module path). */
  id: string;
  /** Training mode: batch statistics, dropout. */
  training: boolean;
  /** A seed for this node in this forward (dropout masks), from the backbone's seed and its training forwards. */
  randomSeed?: number;
  /** The node's parameter `suffix` (`weight`, `bias`, `running_mean`, …). */
  param(suffix: string): Tensor;
  /** Replaces a buffer (batch-norm running statistics) with a new value. */
  setBuffer(suffix: string, value: Tensor): void;
}

/** Runs one op on NHWC tensors. */
export type Executor<O extends Op = Op> = (op: O, inputs: Tensor[], ctx: NodeContext) => Tensor;
