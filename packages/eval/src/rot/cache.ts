/**
 * ROT results cached per parameter set (spec §6.5 keeps them in `rot_data/`): `<results>/rot/<key>.json`, where
 * the key names the parameters as the reference's file names do and ends with a hash of every parameter and of the
 * model's identity. A second evaluation with the same parameters reads the file and runs no forward pass.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { log, readBoundedText, writeAtomic } from '@pixpnet/engine';
import { checkFileData } from '@pixpnet/engine/validate';
import type { JsonSchema } from '@pixpnet/engine/validate';
import type { RotParams, RotResult } from './rot.js';

/** What is stored. */
interface CacheFile {
  key: string;
  identity: Record<string, unknown>;
  result: RotResult;
}

/** JSON with sorted keys: the same identity always serialises the same way. */
const canonical = (o: Record<string, unknown>) => JSON.stringify(o, Object.keys(o).sort());

const py = (v: unknown) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : Number.isInteger(v) ? String(v) : typeof v === 'number' ? v.toFixed(5) : String(v));

/**
 * The rule of the legacy counting, in the identity of its results: 2 credits each batch with the images it evaluated;
 * results of rule 1 (the loader's batch size, too many when `numSamples` cuts the last batch) are never read again.
 */
const LEGACY_COUNTING_RULE = 2;

/** The cache key of a ROT: readable parameters, then 10 hex digits of a hash of everything that determines the result. */
export function rotCacheKey(dataset: string, split: string, params: RotParams, modelId: string): { key: string; identity: Record<string, unknown> } {
  // the batch size changes the result only through the legacy counting
  const { batchSize, ...rest } = params;
  const identity = { dataset, split, modelId, ...rest, ...(params.legacyRotCounting ? { batchSize, legacyCountingRule: LEGACY_COUNTING_RULE } : {}) };
  const hash = crypto.createHash('sha256').update(canonical(identity)).digest('hex').slice(0, 10);
  const key = `${dataset}__num_samples-${py(params.numSamples)}${params.sampleOrder === 'spread' ? '__spread' : ''}__normalized-${py(params.normalized)}__prop_pixels-${py(params.propPixels)}` +
    `__same_class-${py(params.sameClass)}__zeros-${py(params.zeros)}__seed-${py(params.seed)}__method-${params.method}` +
    `__steps-${params.steps ?? 'exact'}${params.legacyRotCounting ? '__legacy_counting' : ''}__${split}__${hash}`;
  return { key, identity };
}

/** The largest cache file read (the curves of thousands of prototypes at every pixel count fit). */
const MAX_CACHE_BYTES = 512 * 1024 * 1024;

const num = { type: ['number', 'null'] };
const numList = { type: 'array', items: num };
/** What a cached result must hold (the file is untrusted: it feeds the figure and the tables). */
const CACHED_RESULT_SCHEMA: JsonSchema = {
  type: 'object', required: ['steps', 'xPct', 'perPrototype', 'agg', 'area', 'pctAtOrigSim'],
  properties: {
    steps: { type: 'array', items: { type: 'integer', minimum: 0 } }, xPct: numList, agg: numList,
    perPrototype: { type: 'array', items: { anyOf: [numList, { type: 'null' }] } }, area: num, pctAtOrigSim: num,
  },
};

/**
 * The cached result for `key`, when its file exists and holds exactly this identity and a result of the right
 * shape; a file that cannot be read (not a regular file, too large, not JSON, damaged) is said and computed again.
 */
export function readRotCache(dir: string, key: string, identity: Record<string, unknown>): RotResult | undefined {
  const file = path.join(dir, `${key}.json`);
  if (!fs.existsSync(file)) return undefined;
  let c: CacheFile;
  try {
    c = JSON.parse(readBoundedText(file, { maxBytes: MAX_CACHE_BYTES, what: 'a cached ROT result' })) as CacheFile;
  } catch (e) {
    log.warning(`${file} cannot be read (${(e as Error).message}): the ROT is computed again and the file replaced.`);
    return undefined;
  }
  if (!c || typeof c !== 'object' || typeof c.identity !== 'object' || !c.identity || canonical(c.identity) !== canonical(identity)) return undefined;
  try {
    return checkFileData<RotResult>(c.result, CACHED_RESULT_SCHEMA, file, '');
  } catch (e) {
    log.warning(`${(e as Error).message.trim()} The ROT is computed again and the file replaced.`);
    return undefined;
  }
}

/** Writes a result atomically (a killed evaluation leaves no half-written file). NaN/∞ become null. */
export async function writeRotCache(dir: string, key: string, identity: Record<string, unknown>, result: RotResult): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${key}.json`);
  const body: CacheFile = { key, identity, result };
  writeAtomic(file, JSON.stringify(body, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n');
  return file;
}
