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
import { removeStaleTemps, writeAtomic } from '@pixpnet/engine';

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

/** Reads a checkpoint; errors say what is wrong with the file. */
export function readCheckpoint(file: string): Checkpoint {
  if (!fs.existsSync(file)) throw new Error(`Checkpoint ${file} does not exist.`);
  let parsed;
  try {
    parsed = readSafetensors(new Uint8Array(fs.readFileSync(file)), file);
  } catch (e) {
    const others = fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.ckpt') && f !== path.basename(file));
    throw new Error(`${file} is not a readable PixPNet checkpoint (${(e as Error).message}). It may be truncated: ` +
      (others.length ? `move it away to resume from ${others.sort((a, b) => stepOf(a) - stepOf(b)).at(-1)}.` : 'it is the only checkpoint of the run, so the run cannot be resumed; start it again.'));
  }
  const raw = parsed.metadata['pixpnet'];
  if (raw === undefined) throw new Error(`${file} is a safetensors file but not a PixPNet checkpoint (no "pixpnet" metadata).`);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(raw) as CheckpointMeta;
  } catch (e) {
    throw new Error(`${file}: its "pixpnet" metadata is not JSON (${(e as Error).message}); the checkpoint is damaged.`);
  }
  if (meta?.format !== 'pixpnet-checkpoint') throw new Error(`${file} is a safetensors file but not a PixPNet checkpoint (its "pixpnet" metadata has no format "pixpnet-checkpoint").`);
  const missing = (['config', 'model', 'loop', 'optimizers'] as const).filter((k) => meta[k] === null || typeof meta[k] !== 'object');
  if (missing.length) throw new Error(`${file}: its "pixpnet" metadata lacks ${missing.join(', ')}; the checkpoint is damaged or from another program.`);
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
