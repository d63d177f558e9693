/**
 * Reading `results/interpretability.yaml` back (the report, a later evaluation): the file is untrusted input, so it
 * is read only as a regular file of bounded size and checked against the shape `pixpnet evaluate` writes — a bad
 * one is an error naming the file and the field (e.g. `rot.rf` that is not a mapping), never a JavaScript error.
 */
import { readYamlFile } from '@pixpnet/engine/validate';
import type { JsonSchema } from '@pixpnet/engine/validate';
import type { InterpretabilityResult } from './evaluate.js';

const num = { type: ['number', 'null'] };
const numList = { type: 'array', items: num };
const scores = {
  type: 'object', required: ['soft', 'hard'],
  properties: {
    soft: num, hard: num,
    quantiles: { type: 'object', properties: { soft: numList, hard: numList } },
    perPrototype: { type: 'object', properties: { soft: numList, hard: numList } },
  },
};
const byMethod = (entry: JsonSchema) => ({ type: 'object', additionalProperties: entry });

/** The shape of `interpretability.yaml` (NaN scores are written as null). */
export const INTERPRETABILITY_SCHEMA: JsonSchema = {
  type: 'object', required: ['parameters'],
  properties: {
    parameters: { type: 'object' },
    consistency: byMethod(scores),
    stability: byMethod(scores),
    partCorrectness: byMethod({ type: 'object', required: ['score'], properties: { score: num, quantiles: numList, perPrototype: numList } }),
    rot: byMethod({
      type: 'object', required: ['area', 'pctAtOrigSim'],
      properties: { area: num, pctAtOrigSim: num, images: num, forwards: num, seconds: num, cached: { type: 'boolean' }, file: { type: 'string' } },
    }),
    skipped: { type: 'object', additionalProperties: { type: 'string' } },
    partImages: { type: 'object', additionalProperties: num },
    rotPlot: { type: 'object' },
    collapsed: { type: 'array', items: { type: 'string' } },
  },
};

/** `interpretability.yaml` as read back (scores a NaN was written for are null). */
export type InterpretabilityRecord = Pick<InterpretabilityResult, 'parameters' | 'consistency' | 'stability' | 'partCorrectness' | 'rot' | 'collapsed'>
  & Partial<Pick<InterpretabilityResult, 'skipped'>> & { partImages?: Record<string, number | null>; [key: string]: unknown };

/** The largest `interpretability.yaml` read (per-prototype scores of tens of thousands of prototypes fit). */
export const MAX_INTERPRETABILITY_BYTES = 64 * 1024 * 1024;

/**
 * Reads and checks an `interpretability.yaml` (undefined when absent); `fix` ends every error (e.g. "run pixpnet
 * evaluate again").
 */
export function readInterpretabilityFile(file: string, fix: string): InterpretabilityRecord | undefined {
  return readYamlFile<InterpretabilityRecord>(file, { maxBytes: MAX_INTERPRETABILITY_BYTES, what: 'the interpretability results of the run', fix, schema: INTERPRETABILITY_SCHEMA });
}
