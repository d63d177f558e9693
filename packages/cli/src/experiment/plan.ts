/**
 * An experiment file (`configs/experiments/*.yaml`): training configs × seeds, each run trained and then scored
 * with both mappings of a prototype to pixels. Read, checked and planned here before any work: every config file
 * exists and resolves to a valid training configuration with each seed, every option is known.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readYamlFile } from '@pixpnet/engine/validate';
import type { JsonSchema } from '@pixpnet/engine/validate';
import { parseValue, planRun, resolveConfig } from '@pixpnet/train';
import type { FlatConfig } from '@pixpnet/train';
import { flatten } from '@pixpnet/train';
import { resolveConfigFile, warnIfEdited } from '../configs.js';
import type { SynthOptions } from '@pixpnet/data';

/** One training config of an experiment. */
export interface ExperimentConfig {
  /** Its name in the tables (`pixpnet`, `protopnet`). */
  name: string;
  /** The training config file. */
  file: string;
  /** The mapping of a prototype to pixels this model is read with: `bbox` (exact receptive field) or `upsample`. */
  mapping: 'bbox' | 'upsample';
  /** Options over the file's (dashed keys), the experiment's shared ones first. */
  options: FlatConfig;
  /**
   * What makes its runs what they are — the config file's text, the options, the mapping, the evaluation options —
   * as a short hash: a row computed under another identity is not this config's.
   */
  identity: string;
}

/** What an experiment runs. */
export interface ExperimentPlan {
  /** The experiment file. */
  file: string;
  name: string;
  seeds: number[];
  configs: ExperimentConfig[];
  /** `pixpnet evaluate` options of every run (flag names without `--`). */
  evaluate: Record<string, string | number | boolean>;
  /** The rows, config-major: `[config, seed]`. */
  rows: Array<{ config: ExperimentConfig; seed: number }>;
  /** A synthetic parts set the experiment trains on, generated before the first row when missing. */
  synth?: SynthOptions;
}

const NAME = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
const scalar = { type: ['string', 'number', 'boolean', 'array'] };

/** The shape of an experiment file. */
export const EXPERIMENT_SCHEMA: JsonSchema = {
  type: 'object', required: ['seeds', 'configs'], additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: NAME },
    description: { type: 'string' },
    seeds: { type: 'array', minItems: 1, maxItems: 1000, uniqueItems: true, items: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 } },
    options: { type: 'object', additionalProperties: scalar },
    evaluate: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    synth: {
      type: 'object', required: ['out'], additionalProperties: false,
      properties: {
        out: { type: 'string', minLength: 1 }, layout: { enum: ['centred', 'scattered'] }, classes: { type: 'integer', minimum: 1, maximum: 200 },
        'per-class': { type: 'integer', minimum: 1 }, size: { type: 'integer', minimum: 24, maximum: 4096 }, seed: { type: 'integer', minimum: 0 },
        distractors: { enum: ['random', 'plain'] },
      },
    },
    configs: {
      type: 'object', minProperties: 1, maxProperties: 50, propertyNames: { pattern: NAME },
      additionalProperties: {
        type: 'object', required: ['config', 'mapping'], additionalProperties: false,
        properties: { config: { type: 'string', minLength: 1 }, mapping: { enum: ['bbox', 'upsample'] }, options: { type: 'object', additionalProperties: scalar } },
      },
    },
  },
};

/** The `pixpnet evaluate` options an experiment may set (the methods are the experiment's own). */
export const EVALUATE_OPTIONS = [
  'split', 'eval.box-radius', 'eval.legacy-box-radius', 'eval.legacy-part-mapping', 'eval.legacy-soft-stability', 'eval.legacy-missing-part-nan',
  'eval.noise-std', 'eval.noise-seed', 'eval.part-top-k', 'rot.steps', 'rot.exact', 'rot.num-samples', 'rot.sample-order', 'rot.prop-pixels', 'rot.no-same-class',
  'rot.normalized', 'rot.zeros', 'rot.seed', 'rot.legacy-counting',
];

interface ExperimentFile {
  name?: string;
  synth?: { out: string; layout?: 'centred' | 'scattered'; classes?: number; 'per-class'?: number; size?: number; seed?: number; distractors?: 'random' | 'plain' };
  seeds: number[];
  options?: Record<string, unknown>;
  evaluate?: Record<string, string | number | boolean>;
  configs: Record<string, { config: string; mapping: 'bbox' | 'upsample'; options?: Record<string, unknown> }>;
}

/** Options written in a file as YAML values (nested or dotted), flat with dashed keys and command-line types. */
function optionsOf(o: Record<string, unknown> | undefined): FlatConfig {
  const flat = flatten(o ?? {});
  return Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, typeof v === 'string' ? parseValue(k, v) : v]));
}

/** Reads, checks and plans the experiment file `arg` (a path, or a built-in name such as `smoke`). */
export function planExperiment(arg: string): ExperimentPlan {
  const file = path.resolve(resolveConfigFile(arg, 'experiments'));
  const fix = 'see configs/experiments/ for the format (seeds, configs with config and mapping, options, evaluate).';
  const doc = readYamlFile<ExperimentFile>(file, { maxBytes: 1024 * 1024, what: 'an experiment file', fix, schema: EXPERIMENT_SCHEMA })!;
  const unknown = Object.keys(doc.evaluate ?? {}).filter((k) => !EVALUATE_OPTIONS.includes(k));
  if (unknown.length) throw new Error(`${file}: unknown evaluate option(s) ${unknown.join(', ')}; known: ${EVALUATE_OPTIONS.join(', ')}.`);
  const configs = Object.entries(doc.configs).map(([name, c]): ExperimentConfig => {
    const local = path.resolve(path.dirname(file), c.config);
    let cfgFile: string;
    try {
      cfgFile = fs.existsSync(local) ? local : path.resolve(resolveConfigFile(c.config));
    } catch (e) {
      throw new Error(`${file}: config '${name}': ${(e as Error).message}`);
    }
    warnIfEdited(cfgFile);
    const options = { ...optionsOf(doc.options), ...optionsOf(c.options) };
    const identity = createHash('sha256').update(JSON.stringify([fs.readFileSync(cfgFile, 'utf8'), options, c.mapping, doc.evaluate ?? {}])).digest('hex').slice(0, 12);
    return { name, file: cfgFile, mapping: c.mapping, options, identity };
  });
  // every run's configuration, checked now as pixpnet train would check it
  for (const c of configs) {
    for (const seed of doc.seeds) {
      try {
        planRun(resolveConfig(fs.readFileSync(c.file, 'utf8'), { ...c.options, seed }, c.file));
      } catch (e) {
        throw new Error(`${file}: config '${c.name}' (${c.file}) with seed ${seed}: ${(e as Error).message}`);
      }
    }
  }
  const name = doc.name ?? path.basename(file).replace(/\.ya?ml$/, '');
  const s = doc.synth;
  const synth: SynthOptions | undefined = s && {
    out: path.resolve(s.out), ...(s.layout ? { layout: s.layout } : {}), ...(s.classes ? { classes: s.classes } : {}), ...(s['per-class'] ? { perClass: s['per-class'] } : {}),
    ...(s.size ? { size: s.size } : {}), ...(s.seed !== undefined ? { seed: s.seed } : {}), ...(s.distractors ? { distractors: s.distractors } : {}),
  };
  return { file, name, seeds: doc.seeds, configs, evaluate: doc.evaluate ?? {}, rows: configs.flatMap((config) => doc.seeds.map((seed) => ({ config, seed }))), ...(synth ? { synth } : {}) };
}

/** A flat option as command-line words: `--key value`, `--key` for true, `--section.no-key` for false. */
export function optionArgs(options: Record<string, unknown>): string[] {
  return Object.entries(options).flatMap(([k, v]) => {
    if (v === true) return [`--${k}`];
    if (v === false) {
      const dot = k.lastIndexOf('.');
      return [`--${k.slice(0, dot + 1)}no-${k.slice(dot + 1)}`];
    }
    return [`--${k}`, Array.isArray(v) ? v.join(',') : String(v)];
  });
}
