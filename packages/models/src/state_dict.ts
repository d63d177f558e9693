/** Loading and exporting weights by torchvision state-dict key, with full validation before anything changes. */
import { tf } from '@pixpnet/engine';
import type { Variable } from '@pixpnet/engine';
import { toTfLayout, toTorchLayout } from './params.js';
import type { ParamSpec } from './params.js';

/** One tensor of a state dict, torch layout, float32 values. */
export interface StateEntry {
  shape: number[];
  data: Float32Array;
}

/** A state dict: torchvision key → tensor. */
export type StateDict = Map<string, StateEntry>;

/** What weights are loaded into and exported from: a `Backbone` (structurally, so that this file imports no model). */
export interface ParamHost {
  readonly graph: { readonly name: string };
  /** Every parameter of the full graph (keys of removed layers are accepted and ignored). */
  readonly fullSpecs: ParamSpec[];
  /** The kept parameters. */
  readonly specs: ParamSpec[];
  variable(name: string): Variable;
}

/** Keys torch keeps that carry no weights. */
const IGNORED = /\.num_batches_tracked$/;

/**
 * Copies `dict` into the backbone's parameters (converting layouts). Every key is checked first: missing,
 * unexpected or mis-shaped keys make one error that lists them all, and nothing is changed. Keys of layers that
 * the cut removed are accepted and ignored.
 */
export function loadStateDict(model: ParamHost, dict: StateDict, source = 'the state dict'): void {
  checkStateDict(model.graph.name, model.fullSpecs, model.specs, dict, source);
  for (const s of model.specs) {
    const e = dict.get(s.name)!;
    const v = model.variable(s.name);
    tf.tidy(() => v.assign(tf.tensor(toTfLayout(s, e.data), s.tfShape) as typeof v));
  }
}

/** Throws one error listing every missing, unexpected and mis-shaped key of `dict` for these parameters. */
export function checkStateDict(model: string, fullSpecs: ParamSpec[], specs: ParamSpec[], dict: StateDict, source: string): void {
  const known = new Map(fullSpecs.map((s) => [s.name, s]));
  const kept = new Set(specs.map((s) => s.name));
  const missing = specs.filter((s) => !dict.has(s.name)).map((s) => s.name);
  const unexpected = [...dict.keys()].filter((k) => !known.has(k) && !IGNORED.test(k));
  const misshaped: string[] = [];
  for (const [k, e] of dict) {
    const s = known.get(k);
    if (s && kept.has(k) && (e.shape.length !== s.torchShape.length || e.shape.some((d, i) => d !== s.torchShape[i]))) {
      misshaped.push(`${k}: got [${e.shape}], expected [${s.torchShape}]`);
    }
  }
  if (missing.length || unexpected.length || misshaped.length) {
    const parts = [
      missing.length && `missing keys (${missing.length}): ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}`,
      unexpected.length && `unexpected keys (${unexpected.length}): ${unexpected.slice(0, 20).join(', ')}${unexpected.length > 20 ? ', …' : ''}`,
      misshaped.length && `mis-shaped keys (${misshaped.length}): ${misshaped.slice(0, 20).join('; ')}`,
    ].filter(Boolean);
    throw new Error(`Cannot load ${source} into ${model}: ${parts.join('. ')}. ` +
      'Check that the weights are for this architecture (torchvision or timm key names).');
  }
}

/** The backbone's parameters as a torch-layout state dict (kept layers only). */
export function exportStateDict(model: ParamHost): StateDict {
  const out: StateDict = new Map();
  for (const s of model.specs) {
    const values = model.variable(s.name).dataSync() as Float32Array;
    out.set(s.name, { shape: s.torchShape, data: toTorchLayout(s, Float32Array.from(values)) });
  }
  return out;
}
