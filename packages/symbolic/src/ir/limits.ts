/**
 * Size limits of the analysis: anything larger is a broken file or a typo, and would take minutes or all memory.
 * Errors name the option or layer and the limit.
 */

/** The largest input height or width, and the largest side of any feature map, in pixels/units. */
export const MAX_SIDE = 16_384;

/** Checks an input size (`what` names it: `--size`, `height`, …): a whole number in `[1, MAX_SIDE]`. */
export function checkSide(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_SIDE) {
    throw new Error(`${what} must be a whole number of pixels from 1 to ${MAX_SIDE}, got ${typeof v === 'number' ? String(v) : JSON.stringify(v)}.`);
  }
  return v;
}
