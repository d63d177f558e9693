/**
 * Checkpoints: one safetensors file holding the model (torch layout, the reference's key names of spec §3.8),
 * the optimizers' state and, in its metadata, the run state needed to resume. Written atomically: a temporary
 * file in the same folder, fsync, rename — a run killed at any moment leaves the previous checkpoint intact.
 */
import fs from 'node:fs';
import path from 'node:path';
import { tf } from '@pixpnet/engine';
import { ProtoNet, exportStateDict, loadStateDict, readSafetensors, writeSafetensors } from '@pixpnet/models';
import type { ProtoNetConfig, StateDict } from '@pixpnet/models';
import type { GroupedOptimizer, NamedTensor } from './optimizers.js';
import { readBoundedFile, removeStaleTemps, writeAtomic } from '@pixpnet/engine';
import { checkFileData } from '@pixpnet/engine/validate';
import type { JsonSchema } from '@pixpnet/engine/validate';

/** The run state stored with a checkpoint. */
export interface LoopState {
  /** Epochs completed (the next epoch to run, 0-based). */
  epoch: number;
  /** Optimizer steps taken. */
  globalStep: number;
  /** Rows of `metrics.csv` written so far. */
  csvRows: number;
  /** Wall seconds of each completed training epoch. */
  epochSeconds: number[];
  /** Inference timing so far: forwards, samples, seconds. */
  inference: { calls: number; samples: number; seconds: number };
  /** The seed the run uses (chosen at random when none was given). */
  seed: number;
  /** Training micro-batch size, fixed for the run (it changes batch-norm statistics). */
  microBatch?: number;
}

/** Checkpoint metadata (JSON in the safetensors header). */
export interface CheckpointMeta {
  format: 'pixpnet-checkpoint';
  version: 1;
  /** The resolved run configuration (flat, dashed keys). */
  config: Record<string, unknown>;
  model: Omit<ProtoNetConfig, 'backboneWeights'>;
  loop: LoopState;
  /** Optimizer tensors by role, in `getWeights` order: their checkpoint keys and tfjs names. */
  optimizers: Record<string, Array<{ key: string; name: string }>>;
}

const PREFIX = { features: 'model.features.', addOn: 'model.add_on_layers.' };

function entry(t: tf.Tensor, shape = t.shape): { shape: number[]; data: Float32Array } {
  return { shape, data: Float32Array.from(t.dataSync() as Float32Array) };
}

/** The global step in a checkpoint's name (`epoch=<e>-step=<s>.ckpt`), for ordering them. */
const stepOf = (f: string) => Number(/step=(\d+)/.exec(f)?.[1] ?? -1);

/** The model as a torch-layout state dict with the reference's keys. */
export function modelStateDict(model: ProtoNet): StateDict {
  const out: StateDict = new Map();
  for (const [k, v] of exportStateDict(model.backbone)) out.set(PREFIX.features + k, v);
  for (const [k, v] of exportStateDict(model.addOn)) out.set(PREFIX.addOn + k, v);
  const { numPrototypes: P, prototypeDim: D } = model.config;
  out.set('model.prototype_vectors', entry(model.prototypes, [P, D, 1, 1]));
  out.set('model.prototype_class_identity', entry(model.classIdentity));
  out.set('model.ones', { shape: [P, D, 1, 1], data: new Float32Array(P * D).fill(1) });
  out.set('model.corresponding_sample_idxs', { shape: [P], data: Float32Array.from(model.push.sampleIdxs) });
  out.set('model.min_fmap_idxs', { shape: [P, 4], data: Float32Array.from(model.push.fmapIdxs) });
  if (model.readout) out.set('model.last_layer.weight', entry(model.readout));
  return out;
}

/** Saves a checkpoint to `file` (atomically). */
export async function saveCheckpoint(file: string, model: ProtoNet, optimizer: GroupedOptimizer, config: Record<string, unknown>, loop: LoopState): Promise<void> {
  const dict = modelStateDict(model);
  const optimizers: CheckpointMeta['optimizers'] = {};
  const state = await optimizer.getState();
  try {
    for (const [role, list] of Object.entries(state)) {
      optimizers[role] = list.map((w, k) => {
        const key = `optimizer.${role}.${k}`;
        dict.set(key, entry(w.tensor, w.tensor.rank === 0 ? [1] : w.tensor.shape));
        return { key, name: w.name };
      });
    }
  } finally {
    tf.dispose(Object.values(state).flatMap((l) => l.map((w) => w.tensor)));
  }
  const meta: CheckpointMeta = {
    format: 'pixpnet-checkpoint', version: 1, config, model: { ...model.config }, loop, optimizers,
  };
  writeAtomic(file, writeSafetensors(dict, { pixpnet: JSON.stringify(meta) }), { verify: true });
}

/** Removes every checkpoint but `keep`, and half-written ones (a run killed between writing one and removing the last). */
export function removeStaleCheckpoints(dir: string, keep: string): void {
  removeStaleTemps(dir);
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (f.endsWith('.ckpt') && p !== keep) fs.rmSync(p, { force: true });
  }
}

/** A checkpoint read back. */
export interface Checkpoint {
  file: string;
  meta: CheckpointMeta;
  tensors: StateDict;
}

/** The largest checkpoint read (a model of hundreds of millions of parameters with its optimizer state fits). */
export const MAX_CHECKPOINT_BYTES = 16 * 1024 ** 3;

const int = (minimum: number, maximum = 2 ** 31 - 1) => ({ type: 'integer', minimum, maximum });

/** What a checkpoint's metadata must hold (read back from an untrusted file, before any tensor is made). */
export const CHECKPOINT_META_SCHEMA: JsonSchema = {
  type: 'object', required: ['format', 'version', 'config', 'model', 'loop', 'optimizers'],
  properties: {
    format: { const: 'pixpnet-checkpoint' }, version: { const: 1 },
    config: { type: 'object' },
    model: {
      type: 'object', required: ['backbone', 'featureLayer', 'numClasses', 'inputSize', 'numPrototypes', 'prototypeDim'],
      properties: {
        backbone: { type: 'string', minLength: 1 }, featureLayer: { type: 'string', minLength: 1 },
        numClasses: int(1, 1_000_000), numPrototypes: int(1, 10_000_000), prototypeDim: int(1, 1_000_000),
        inputSize: { type: 'array', minItems: 2, maxItems: 2, items: int(1, 65_536) },
      },
    },
    loop: {
      type: 'object', required: ['epoch', 'globalStep', 'csvRows', 'epochSeconds', 'inference', 'seed'],
      properties: {
        epoch: int(0), globalStep: int(0, Number.MAX_SAFE_INTEGER), csvRows: int(0, Number.MAX_SAFE_INTEGER), seed: int(-(2 ** 31)),
        epochSeconds: { type: 'array', items: { type: ['number', 'null'] } }, microBatch: int(1),
        inference: { type: 'object', required: ['calls', 'samples', 'seconds'], properties: { calls: int(0, Number.MAX_SAFE_INTEGER), samples: int(0, Number.MAX_SAFE_INTEGER), seconds: { type: 'number', minimum: 0 } } },
      },
    },
    optimizers: {
      type: 'object', additionalProperties: { type: 'array', items: { type: 'object', required: ['key', 'name'], properties: { key: { type: 'string' }, name: { type: 'string' } } } },
    },
  },
};

/** Reads a checkpoint; errors say what is wrong with the file. */
export function readCheckpoint(file: string): Checkpoint {
  if (!fs.existsSync(file)) throw new Error(`Checkpoint ${file} does not exist.`);
  const others = () => fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.ckpt') && f !== path.basename(file));
  const instead = () => {
    const o = others();
    return o.length ? `move it away to resume from ${o.sort((a, b) => stepOf(a) - stepOf(b)).at(-1)}.` : 'it is the only checkpoint of the run, so the run cannot be resumed; start it again.';
  };
  const bytes = readBoundedFile(file, { maxBytes: MAX_CHECKPOINT_BYTES, what: 'a PixPNet checkpoint', fix: `Remove it, or ${instead()}` });
  let parsed;
  try {
    parsed = readSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  } catch (e) {
    throw new Error(`${file} is not a readable PixPNet checkpoint (${(e as Error).message}). It may be truncated: ${instead()}`);
  }
  const raw = parsed.metadata['pixpnet'];
  if (raw === undefined) throw new Error(`${file} is a safetensors file but not a PixPNet checkpoint (no "pixpnet" metadata).`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new Error(`${file}: its "pixpnet" metadata is not JSON (${(e as Error).message}); the checkpoint is damaged.`);
  }
  if ((json as { format?: unknown } | null)?.format !== 'pixpnet-checkpoint') throw new Error(`${file} is a safetensors file but not a PixPNet checkpoint (its "pixpnet" metadata has no format "pixpnet-checkpoint").`);
  const meta = checkFileData<CheckpointMeta>(json, CHECKPOINT_META_SCHEMA, `${file} (its "pixpnet" metadata)`, 'The checkpoint is damaged or from another program: ' + instead());
  // the model the metadata describes must be the one the tensors hold (before any tensor of that size is made)
  const { numPrototypes: P, prototypeDim: D, numClasses: C } = meta.model;
  for (const [key, shape] of [['model.prototype_vectors', [P, D, 1, 1]], ['model.prototype_class_identity', [P, C]]] as const) {
    const t = parsed.tensors.get(key);
    if (!t || t.shape.join(',') !== shape.join(',')) {
      throw new Error(`${file}: its metadata describes ${P} prototypes of ${D} channels for ${C} classes, but '${key}' is ${t ? `[${t.shape.join(', ')}]` : 'missing'} ` +
        `(expected [${shape.join(', ')}]); the checkpoint is damaged: ${instead()}`);
    }
  }
  return { file, meta, tensors: parsed.tensors };
}

function take(dict: StateDict, prefix: string): StateDict {
  return new Map([...dict].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** Builds the checkpoint's model and loads its weights and push records. */
export function modelFromCheckpoint(ck: Checkpoint): ProtoNet {
  const model = new ProtoNet({ ...ck.meta.model });
  try {
    loadStateDict(model.backbone, take(ck.tensors, PREFIX.features), `${ck.file} (model.features.*)`);
    loadStateDict(model.addOn, take(ck.tensors, PREFIX.addOn), `${ck.file} (model.add_on_layers.*)`);
    const values = (k: string, shape: number[]) => {
      const e = ck.tensors.get(k);
      if (!e || e.data.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`${ck.file}: '${k}' is missing or has the wrong size for this model.`);
      return e.data;
    };
    const get = (k: string, shape: number[]) => tf.tensor(values(k, shape), shape);
    const { numPrototypes: P, prototypeDim: D, numClasses: C } = model.config;
    tf.tidy(() => {
      model.prototypes.assign(get('model.prototype_vectors', [P, D]));
      if (model.readout) model.readout.assign(get('model.last_layer.weight', model.readout.shape));
    });
    const ident = get('model.prototype_class_identity', [P, C]);
    model.classIdentity.dispose();
    model.classIdentity = ident as tf.Tensor2D;
    // the push records, stored as float tensors like the reference's buffers (exact below 2^24)
    model.push = { sampleIdxs: Int32Array.from(values('model.corresponding_sample_idxs', [P])), fmapIdxs: Int32Array.from(values('model.min_fmap_idxs', [P, 4])) };
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Restores the optimizers' state from a checkpoint. */
export async function restoreOptimizer(ck: Checkpoint, optimizer: GroupedOptimizer): Promise<void> {
  const lists = Object.values(ck.meta.optimizers).flat();
  const missing = lists.find(({ key }) => !ck.tensors.has(key));
  if (missing) throw new Error(`${ck.file}: optimizer tensor '${missing.key}' is missing.`);
  const state: Record<string, NamedTensor[]> = {};
  for (const [role, list] of Object.entries(ck.meta.optimizers)) {
    state[role] = list.map(({ key, name }) => ({ name, tensor: tf.tensor(ck.tensors.get(key)!.data, ck.tensors.get(key)!.shape) }));
  }
  try {
    await optimizer.setState(state);
  } finally {
    tf.dispose(Object.values(state).flatMap((l) => l.map((w) => w.tensor)));
  }
}
