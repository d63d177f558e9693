/**
 * Layer parameters read and checked: kernel sizes, strides, paddings, counts and constants, each a clear error
 * naming the layer and the field when it is missing, of the wrong type or out of range.
 */
import type { Padding2d, Pair } from '../../ir/types.js';
import { KerasImportError, show } from './json.js';
import type { KerasLayer } from './json.js';

/** The largest kernel, stride, dilation, padding or scale accepted (anything larger is a broken file, and would hang). */
export const MAX_PARAM = 65_536;

/** A layer's `[h, w]` parameter (a number or a pair), checked: whole numbers in `[min, MAX_PARAM]`, the layer named. */
export function intPair(layer: KerasLayer, field: string, value: unknown, min: number, fallback?: Pair): Pair {
  if (value === undefined || value === null) {
    if (fallback) return fallback;
    throw new Error(`Keras layer '${layer.name}' (${layer.class_name}) has no ${field}.`);
  }
  const v = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= MAX_PARAM)) {
    throw new Error(`Keras layer '${layer.name}' (${layer.class_name}): ${field} must be ${min === 0 ? 'whole numbers ≥ 0' : 'positive whole numbers'} up to ${MAX_PARAM} (one, or one per axis), got ${show(value)}.`);
  }
  return [v[0], v[1]] as Pair;
}

/** A layer's count (filters, units, groups, …): a positive whole number up to 10⁶, the layer named. */
export function intCount(layer: KerasLayer, field: string, value: unknown, fallback?: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1_000_000) {
    throw new Error(`Keras layer '${layer.name}' (${layer.class_name}): ${field} must be a positive whole number up to 1000000, got ${show(value)}.`);
  }
  return v;
}

/**
 * Per-side amounts (`ZeroPadding2D` padding, `Cropping2D` cropping): one number, one per axis, or
 * `[[top, bottom], [left, right]]`; whole numbers ≥ 0.
 */
export function sides(layer: KerasLayer, field: string, value: unknown, fallback: number): Padding2d {
  if (Array.isArray(value) && value.length === 2 && (Array.isArray(value[0]) || Array.isArray(value[1]))) {
    return [intPair(layer, `${field} (top, bottom)`, value[0], 0), intPair(layer, `${field} (left, right)`, value[1], 0)];
  }
  const [h, w] = intPair(layer, field, value, 0, [fallback, fallback]);
  return [[h, h], [w, w]];
}

/** A string option with a default, among `allowed`. */
export function choice<T extends string>(layer: KerasLayer, field: string, allowed: readonly T[], fallback: T): T {
  const v = layer.config[field] ?? fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new KerasImportError(layer, `${field} ${show(v)} is not supported (${allowed.join(' or ')})`);
  }
  return v as T;
}

/** A finite number, or a list of them (`Rescaling`'s scale, `Normalization`'s mean); `undefined` when absent. */
export function constants(layer: KerasLayer, field: string, fallback?: number): number | number[] | undefined {
  const v = layer.config[field] ?? fallback;
  if (v === undefined || v === null) return undefined;
  const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n);
  if (ok(v)) return v as number;
  if (Array.isArray(v) && v.length > 0 && v.length <= 1_000_000 && v.every(ok)) return v as number[];
  throw new KerasImportError(layer, `${field} must be a finite number or a list of them, got ${show(v)}`);
}

/** TF `same` padding for one axis of a convolution or pool and input length. */
export function samePad(len: number, k: number, s: number, d: number): [number, number] {
  const out = Math.ceil(len / s);
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - len, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * A transposed convolution's output length (Keras `deconv_output_length`) and the IR's crop/extension of its full
 * output: `[padBefore, padAfter, outputPadding]`. `same` takes TF's padding for the forward convolution of the
 * output length; `valid` crops nothing.
 */
export function transposePads(len: number, k: number, s: number, d: number, same: boolean, outputPadding: number | null): [number, number, number] {
  const keff = (k - 1) * d + 1;
  const outLen = outputPadding === null
    ? (same ? len * s : len * s + Math.max(keff - s, 0))
    : (len - 1) * s + keff - 2 * (same ? Math.floor(keff / 2) : 0) + outputPadding;
  const before = same ? Math.floor(Math.max((len - 1) * s + keff - outLen, 0) / 2) : 0;
  const rest = (len - 1) * s + keff - before - outLen; // padAfter − outputPadding
  return [before, Math.max(rest, 0), Math.max(-rest, 0)];
}
