/**
 * Exact fields that are not a product of two axis sets (a cross from 1×k and k×1 branches): a union of
 * blocks `rows × cols`, kept reduced by merging blocks that share an axis set (exact, unlike the reference's
 * gap-filling merge, spec §1.2).
 */
import { contains, equal, size, union } from './intervals.js';
import type { IntervalSet } from './intervals.js';

/** `rows × cols`. */
export interface Block {
  rows: IntervalSet;
  cols: IntervalSet;
}

/** Reduces a union of blocks: drops contained blocks and merges blocks with equal rows or equal cols. */
export function reduceBlocks(input: readonly Block[]): Block[] {
  const blocks = input.filter((b) => b.rows.length && b.cols.length).map((b) => ({ ...b }));
  let changed = true;
  while (changed && blocks.length > 1) {
    changed = false;
    outer: for (let i = 0; i < blocks.length; i++) {
      for (let j = i + 1; j < blocks.length; j++) {
        const a = blocks[i]!, b = blocks[j]!;
        let merged: Block | undefined;
        if (equal(a.rows, b.rows)) merged = { rows: a.rows, cols: union([a.cols, b.cols]) };
        else if (equal(a.cols, b.cols)) merged = { rows: union([a.rows, b.rows]), cols: a.cols };
        else if (contains(a.rows, b.rows) && contains(a.cols, b.cols)) merged = a;
        else if (contains(b.rows, a.rows) && contains(b.cols, a.cols)) merged = b;
        if (merged) {
          blocks[i] = merged;
          blocks.splice(j, 1);
          changed = true;
          break outer;
        }
      }
    }
  }
  return blocks;
}

/** Pixels in a reduced union of blocks (inclusion–exclusion over pairs is avoided: blocks are disjoint-checked). */
export function blocksArea(blocks: readonly Block[]): number {
  if (blocks.length === 1) return size(blocks[0]!.rows) * size(blocks[0]!.cols);
  // exact count by sweeping rows: for each row interval boundary, union the cols of blocks covering it
  const cuts = new Set<number>();
  for (const b of blocks) for (const v of b.rows) cuts.add(v);
  const ys = [...cuts].sort((a, b) => a - b);
  let area = 0;
  for (let k = 0; k + 1 < ys.length; k++) {
    const y0 = ys[k]!, y1 = ys[k + 1]!;
    const covering = blocks.filter((b) => contains(b.rows, [y0, y1]));
    if (covering.length) area += (y1 - y0) * size(union(covering.map((b) => b.cols)));
  }
  return area;
}
