/**
 * Run configuration: YAML files with the command line's dashed nested keys, command-line overrides, defaults —
 * precedence command line > file > defaults — validated by a JSON Schema (ajv) built from {@link TRAIN_OPTIONS}
 * before any work starts. Errors name the key and the valid choices.
 */
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { TRAIN_OPTIONS } from './options.js';
import type { OptionSpec } from './options.js';
import { checkFolderNames } from './run_dir.js';

/** A flat configuration: `section.option` → value. */
export type FlatConfig = Record<string, unknown>;

function schemaOf(o: OptionSpec): Record<string, unknown> {
  const bounds = {
    ...(o.min !== undefined ? { minimum: o.min } : {}), ...(o.max !== undefined ? { maximum: o.max } : {}),
    ...(o.above !== undefined ? { exclusiveMinimum: o.above } : {}), ...(o.below !== undefined ? { exclusiveMaximum: o.below } : {}),
  };
  switch (o.type) {
    case 'int': return { type: 'integer', ...bounds };
    case 'float': return { type: 'number', ...bounds };
    case 'flag': return { type: 'boolean' };
    case 'intList': return { type: 'array', items: { type: 'integer' } };
    default: return o.choices ? { type: 'string', enum: [...o.choices] } : { type: 'string' };
  }
}

/** The JSON Schema of a flat configuration. */
export function configSchema(): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(TRAIN_OPTIONS.map((o) => [o.key, schemaOf(o)])),
    required: ['dataset.name', 'model.feature-extractor', 'model.feature-layer'],
  };
}

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(configSchema());

/** Flattens a nested YAML mapping into dashed dotted keys (`dataset: {val-size: .1}` → `dataset.val-size`); nulls are dropped. */
export function flatten(obj: unknown, prefix = ''): FlatConfig {
  const out: FlatConfig = {};
  if (obj === null || obj === undefined) return out;
  if (typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`config: expected a mapping${prefix ? ` at '${prefix}'` : ''}`);
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v, key));
    else out[key] = v;
  }
  return out;
}

/** `no-x: true` in a file, or `--section.no-x`, clears the negatable flag `x`; anything but true/false there is refused. */
function normaliseFlags(c: FlatConfig, source: string): FlatConfig {
  const out: FlatConfig = {};
  for (const [k, v] of Object.entries(c)) {
    const m = k.match(/^(.*?)(?:^|\.)no-(.+)$/);
    const base = m ? `${m[1] ? `${m[1]}.` : ''}${m[2]}` : undefined;
    const spec = base ? TRAIN_OPTIONS.find((o) => o.key === base && o.negatable) : undefined;
    if (spec && base) {
      if (typeof v !== 'boolean') throw new Error(`Invalid configuration (${source}): '${k}' must be true or false, got ${JSON.stringify(v)}.`);
      if (v) out[base] = false;
    } else out[k] = v;
  }
  return out;
}

/** Parses a command-line value by the option's type. */
export function parseValue(key: string, raw: string | string[]): unknown {
  const o = TRAIN_OPTIONS.find((s) => s.key === key);
  if (!o) return raw;
  const one = Array.isArray(raw) ? raw[0]! : raw;
  if (o.type === 'int' || o.type === 'float') return Number(one);
  if (o.type === 'flag') return one === '' || one === 'true';
  if (o.type === 'intList') return (Array.isArray(raw) ? raw : raw.split(',')).map(Number);
  return one;
}

/** A configuration value as a message shows it (`.nan` and `.inf` as YAML writes them: JSON would say null). */
function show(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? '.nan (not a number)' : v > 0 ? '.inf' : '-.inf';
  return JSON.stringify(v);
}

/** What is wrong with a flat configuration, one phrase per problem (none: it is valid). */
function configProblems(config: FlatConfig): string[] {
  if (validate(config)) return [];
  return (validate.errors ?? []).map((e) => {
    const key = e.instancePath ? e.instancePath.slice(1).replace(/~1/g, '/') : String(e.params['missingProperty'] ?? e.params['additionalProperty'] ?? '');
    if (e.keyword === 'additionalProperties') {
      const near = TRAIN_OPTIONS.filter((o) => o.key.split('.')[0] === key.split('.')[0]).map((o) => o.key);
      return `unknown option '${key}'${near.length ? ` (options of that section: ${near.join(', ')})` : ''}`;
    }
    if (e.keyword === 'required') return `'${e.params['missingProperty']}' is required`;
    if (e.keyword === 'enum') return `'${key}' must be one of ${(e.params['allowedValues'] as string[]).join(', ')}, got ${show(config[key])}`;
    if (e.keyword === 'type' && typeof config[key] === 'number' && !Number.isFinite(config[key])) return `'${key}' must be a finite number, got ${show(config[key])}`;
    return `'${key}' ${e.message}, got ${show(config[key])}`;
  });
}

/** Entries a run's `results/config.yaml` adds to the options (spec §3.8); dropped when a run restarts from it. */
export const DERIVED_KEYS: readonly string[] = ['log-dir', 'git-commit-hash', 'gpus', 'dataset.needs-unaugmented', 'config'];

/**
 * Checks the configuration a run recorded (its `results/config.yaml`, flattened): the options as `pixpnet train`
 * checks them (the derived entries and empty ones aside); a bad one is an error naming `file`, the key and `fix`.
 */
export function checkRecordedConfig(flat: FlatConfig, file: string, fix: string): void {
  const options = Object.fromEntries(Object.entries(flat).filter(([k, v]) => !DERIVED_KEYS.includes(k) && v !== null && v !== undefined));
  const problems = configProblems(options);
  if (problems.length) throw new Error(`${file} does not hold a valid run configuration: ${problems.join('; ')}. ${fix[0]!.toUpperCase()}${fix.slice(1)}`);
}

/** The resolved configuration: defaults, then the YAML file's values, then command-line overrides. */
export function resolveConfig(yamlText: string | undefined, overrides: FlatConfig = {}, source = 'the config file'): FlatConfig {
  let fromFile: FlatConfig = {};
  if (yamlText !== undefined) {
    let doc: unknown;
    try {
      // warnings (an unresolved tag, an ambiguous anchor) are errors here: they change what a value means
      const parsed = YAML.parseDocument(yamlText, { prettyErrors: true, logLevel: 'error' });
      const problem = parsed.errors[0] ?? parsed.warnings[0];
      if (problem) throw problem;
      doc = parsed.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new Error(`${source} is not valid YAML: ${(e as Error).message}`);
    }
    if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) {
      throw new Error(`${source} must hold a mapping of options (e.g. 'train: {epochs: 10}'), not ${Array.isArray(doc) ? 'a list' : `the ${typeof doc} ${JSON.stringify(doc).slice(0, 40)}`}.`);
    }
    fromFile = normaliseFlags(flatten(doc), source);
  }
  const defaults = Object.fromEntries(TRAIN_OPTIONS.filter((o) => o.default !== undefined).map((o) => [o.key, o.default]));
  const config = { ...defaults, ...fromFile, ...normaliseFlags(overrides, 'the command line') };
  const problems = configProblems(config);
  if (problems.length) throw new Error(`Invalid configuration (${source} and the command line): ${problems.join('; ')}.`);
  checkFolderNames(config, (key) => (key in overrides ? `--${key}` : `'${key}' in ${source}`));
  return config;
}
