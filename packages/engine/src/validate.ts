/**
 * Checking data read back from a file against a JSON Schema (ajv), for files that are untrusted input (a run
 * directory's YAML, JSON and checkpoint metadata): every problem is named by file and field, with the value found.
 * `@pixpnet/engine/validate` (Node): kept out of the package's main entry, which browsers load.
 */
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import YAML from 'yaml';
import { pathPresent, readBoundedText } from './read_file.js';

/** A JSON Schema (draft 7, as ajv takes it). */
export type JsonSchema = Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** NaN and ±Infinity (YAML's `.nan`, `.inf`) as null, which a schema allows where a missing number is acceptable. */
function finiteOrNull(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map(finiteOrNull);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, finiteOrNull(x)]));
  return v;
}

/** A value as a message shows it (`.nan`, `.inf` as YAML writes them; long ones cut). */
export function showValue(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function at(data: unknown, pointer: string): unknown {
  let v = data;
  for (const part of pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  }
  return v;
}

/**
 * Returns `data` (read from `file`) typed as `T` when it matches `schema`; else throws an error naming `file`, each
 * field at fault (dotted: `rot.rf.area`) with what it must be and what it holds, and `fix`. Non-finite numbers are
 * checked as null: a schema accepts NaN where it accepts null.
 */
export function checkFileData<T>(data: unknown, schema: JsonSchema, file: string, fix: string): T {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(finiteOrNull(data))) return data as T;
  const problems = (validate.errors ?? []).slice(0, 8).map((e) => {
    const field = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
    const where = field ? `'${field}'` : 'its content';
    if (e.keyword === 'required') return `${field ? `'${field}' ` : ''}lacks '${String(e.params['missingProperty'])}'`;
    if (e.keyword === 'additionalProperties') return `${field ? `'${field}' has` : 'has'} an unknown entry '${String(e.params['additionalProperty'])}'`;
    const found = at(data, e.instancePath);
    if (e.keyword === 'enum') return `${where} must be one of ${(e.params['allowedValues'] as unknown[]).map((x) => showValue(x)).join(', ')}, got ${showValue(found)}`;
    const must = e.keyword === 'type' && typeof found === 'number' && !Number.isFinite(found) ? 'must be a finite number' : `${e.message}`;
    return `${where} ${must}, got ${showValue(found)}`;
  });
  const more = (validate.errors?.length ?? 0) > 8 ? `; and ${validate.errors!.length - 8} more` : '';
  throw new Error(`${file} is not what it should be: ${problems.join("; ")}${more}. ${fix.charAt(0).toUpperCase()}${fix.slice(1)}`);
}

/** Options of {@link readYamlFile}. */
export interface ReadYamlOptions {
  /** The most bytes the file may have. */
  maxBytes: number;
  /** What the file is, for messages. */
  what: string;
  /** What to do about a bad file (end of every message). */
  fix: string;
  /** What the document must be at its top: a mapping (default) or a list. */
  top?: 'mapping' | 'list';
  /** A schema the document must match ({@link checkFileData}). */
  schema?: JsonSchema;
}

/**
 * Reads a YAML file that is untrusted input, or returns undefined when it is absent: only a regular file within
 * `maxBytes` is read; it must parse (aliases bounded), be non-empty, hold a mapping (or a list) at its top and match
 * `schema`; anything else is an error naming the file and `fix`.
 */
export function readYamlFile<T = Record<string, unknown>>(file: string, o: ReadYamlOptions): T | undefined {
  if (!pathPresent(file)) return undefined;
  const text = readBoundedText(file, { maxBytes: o.maxBytes, what: o.what, fix: o.fix });
  let doc: unknown;
  try {
    doc = YAML.parse(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new Error(`${file} is not readable YAML (${(e as Error).message.split('\n')[0]}): ${o.fix}`);
  }
  if (doc === null || doc === undefined) throw new Error(`${file} is empty: ${o.fix}`);
  const top = o.top ?? 'mapping';
  const isList = Array.isArray(doc), isMap = typeof doc === 'object' && !isList;
  if ((top === 'mapping' && !isMap) || (top === 'list' && !isList)) {
    const held = isList ? 'a list' : isMap ? 'a mapping' : `the ${typeof doc} ${JSON.stringify(doc).slice(0, 40)}`;
    throw new Error(`${file} should hold ${top === 'list' ? 'a list' : 'a mapping of entries'}, but holds ${held}: ${o.fix}`);
  }
  return o.schema ? checkFileData<T>(doc, o.schema, file, o.fix) : (doc as T);
}
