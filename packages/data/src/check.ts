/**
 * Checks a dataset's image files before any training: every file the run will read exists and is not empty, and
 * the images that are only read at the end (the test split) decode — so that a missing or corrupt file is found in
 * seconds, not after the whole training.
 */
import fs from 'node:fs';
import type { Sample } from './datasets/types.js';
import { prepareImage } from './transforms/eval.js';
import type { TransformPreset } from './transforms/presets.js';

/** An image that cannot be used. */
export interface UnreadableImage {
  /** Position in the sample list. */
  index: number;
  file: string;
  reason: string;
}

/** Options of {@link checkImages}. */
export interface CheckImagesOptions {
  /** Positions whose files must exist and be non-empty (repeats allowed). */
  exist: readonly number[];
  /** Positions whose files must also decode (repeats allowed). */
  decode?: readonly number[];
  /** The preset of the decode (bbox crop and resizes are applied, as the loader will). */
  preset: TransformPreset;
  /** Images decoded at once (default 4). */
  concurrency?: number;
  /** Called after each decoded image with the count done and the total. */
  onProgress?: (done: number, total: number) => void;
}

const unique = (xs: readonly number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** Every unusable image among the positions asked for, in position order (empty: all is well). */
export async function checkImages(samples: readonly Sample[], o: CheckImagesOptions): Promise<UnreadableImage[]> {
  const bad = new Map<number, UnreadableImage>();
  for (const i of unique(o.exist)) {
    const s = samples[i]!;
    if (s.pixels) continue; // held in memory (CIFAR-10)
    let size: number;
    try {
      size = fs.statSync(s.path).size;
    } catch (e) {
      bad.set(i, { index: i, file: s.path, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message });
      continue;
    }
    if (size === 0) bad.set(i, { index: i, file: s.path, reason: 'empty file' });
  }
  const todo = unique(o.decode ?? []).filter((i) => !bad.has(i) && !samples[i]!.pixels);
  const conc = o.concurrency ?? 4;
  let done = 0;
  for (let k = 0; k < todo.length; k += conc) {
    await Promise.all(todo.slice(k, k + conc).map(async (i) => {
      try {
        await prepareImage(samples[i]!, o.preset);
      } catch (e) {
        bad.set(i, { index: i, file: samples[i]!.path, reason: (e as Error).message.replace(/^Cannot decode image [^:]*: /, '') });
      }
      o.onProgress?.(++done, todo.length);
    }));
  }
  return [...bad.values()].sort((a, b) => a.index - b.index);
}

/** One line per image (`file: reason`), at most `max` of them. */
export function describeUnreadable(bad: readonly UnreadableImage[], max = 10): string {
  const lines = bad.slice(0, max).map((b) => `  ${b.file}: ${b.reason}`);
  if (bad.length > max) lines.push(`  … and ${bad.length - max} more`);
  return lines.join('\n');
}
