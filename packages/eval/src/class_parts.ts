/** The class-defining parts of the synthetic parts dataset (`class_parts.txt`). */
import fs from 'node:fs';
import path from 'node:path';
import { CUB_PART_MERGE } from '@pixpnet/data';

/**
 * The class-defining parts of the synthetic dataset: `class_parts.txt` (`<class id> <CUB part id>`, 1-based) as
 * 0-based class → merged part ids. Without the file: an error, or with `{ optional: true }` undefined (a dataset that
 * does not name its class-defining parts, e.g. the real CUB); a file that is there but wrong is always an error.
 */
export function readClassParts(cubRoot: string): Map<number, Set<number>>;
export function readClassParts(cubRoot: string, o: { optional: true }): Map<number, Set<number>> | undefined;
export function readClassParts(cubRoot: string, o: { optional?: boolean } = {}): Map<number, Set<number>> | undefined {
  const file = [path.join(cubRoot, 'CUB_200_2011', 'class_parts.txt'), path.join(cubRoot, 'class_parts.txt')].find((f) => fs.existsSync(f));
  if (!file && o.optional) return undefined;
  if (!file) throw new Error(`No class_parts.txt under ${cubRoot}: only the synthetic parts dataset (pixpnet data synth) names its class-defining parts.`);
  const out = new Map<number, Set<number>>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [c, p] = line.trim().split(/\s+/).map(Number);
    if (c === undefined || p === undefined || Number.isNaN(c) || Number.isNaN(p)) continue;
    const merged = CUB_PART_MERGE[p - 1];
    if (merged === undefined) throw new Error(`${file}: part id ${p} is not a CUB part (1–15).`);
    if (!out.has(c - 1)) out.set(c - 1, new Set());
    out.get(c - 1)!.add(merged);
  }
  return out;
}
