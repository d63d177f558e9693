/**
 * The rows of a sweep — every (backbone, stage) pair, in zoo order then network order — and the sweep's identity,
 * from its settings alone (no I/O): shards, resumes and merges agree on the same list.
 */
import crypto from 'node:crypto';
import { zooModel, zooNames } from '@pixpnet/symbolic';
import { datasetSpec } from '@pixpnet/data';
import { defaultSweepStages, namedSweepStages } from './stages.js';

/** What a sweep trains. */
export interface SweepSettings {
  /** Substrings of zoo names (a model is kept when its name contains one); empty: every zoo model. */
  models: string[];
  /** Stage names; empty: each family's default stages. */
  stages: string[];
  /** Dataset name (any dataset key), e.g. `IMAGENETTE` or `SYNTHPARTS`. */
  dataset: string;
  /** Data root: the dataset lives in `<root>/<key lower-cased>`. */
  datasetRoot: string;
  /** Read images the dataset's lists place outside its folder (`openDataset`'s `allowOutsideRoot`; default false). */
  allowOutsideRoot?: boolean;
  /** Square input size (default: the dataset's). */
  inputSize?: number;
  epochs: number;
  batchSize: number;
  /** Adam's learning rate for the backbone and the head. */
  lr: number;
  /** `hf` (each backbone's ImageNet weights when known), a folder of `<model>.safetensors`, or false. */
  pretrained: string | false;
  seed: number;
  /** Three batches per split. */
  debug: boolean;
  /** Training augmentation of the dataset's preset (default true; off, later epochs train from the decoded-image cache). */
  augment?: boolean;
}

/** One row of a sweep. */
export interface SweepRow {
  model: string;
  stage: string;
  /** 1-based position of the stage among the graph's stages. */
  stageNumber: number;
}

/** The planned sweep. */
export interface SweepPlan {
  settings: SweepSettings;
  rows: SweepRow[];
  /** Identity of the settings (rows of different sweeps are never mixed). */
  id: string;
  /** The dataset key and input size used. */
  datasetKey: string;
  inputSize: number;
}

/** Plans a sweep; errors name the option (an unknown model filter lists the zoo, an unknown stage its models' stages). */
export function planSweep(s: SweepSettings): SweepPlan {
  const spec = datasetSpec(s.dataset);
  const inputSize = s.inputSize ?? spec.inputSize;
  for (const [k, v, min] of [['--epochs', s.epochs, 1], ['--batch-size', s.batchSize, 1], ['--input-size', inputSize, 8]] as const) {
    if (!Number.isInteger(v) || v < min) throw new Error(`${k} must be a whole number ≥ ${min}, got ${v}.`);
  }
  if (!(s.lr > 0)) throw new Error(`--lr must be > 0, got ${s.lr}.`);
  const names = zooNames().filter((n) => !s.models.length || s.models.some((m) => n.includes(m)));
  if (!names.length) throw new Error(`--models ${s.models.join(',')}: no zoo model's name contains any of them. Models: ${zooNames().join(', ')}.`);
  const rows: SweepRow[] = [];
  const unused = new Set(s.stages);
  for (const model of names) {
    const graph = zooModel(model);
    const stages = s.stages.length ? namedSweepStages(graph, s.stages) : defaultSweepStages(graph);
    for (const st of stages) {
      unused.delete(st.name);
      rows.push({ model, stage: st.name, stageNumber: st.number });
    }
  }
  if (unused.size) throw new Error(`--stages: no selected model has the stage(s) ${[...unused].join(', ')}. For example, ${names[0]} has: ${zooModel(names[0]!).stages.map(([n]) => n).join(', ')}.`);
  const identity = { rows: rows.map((r) => `${r.model}/${r.stage}`), dataset: spec.key, inputSize, epochs: s.epochs, batchSize: s.batchSize, lr: s.lr, pretrained: s.pretrained, seed: s.seed, debug: s.debug, ...(s.augment === false ? { augment: false } : {}) };
  const id = crypto.createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 12);
  return { settings: s, rows, id, datasetKey: spec.key, inputSize };
}
