/** Shared types of the backbone zoo. */
import type { Graph } from '../ir/types.js';

/** Options every zoo constructor takes. */
export interface ZooOptions {
  /** Classes of the final classifier (torchvision default 1000). */
  numClasses?: number;
}

/** A zoo constructor. */
export type ZooConstructor = (options?: ZooOptions) => Graph;
