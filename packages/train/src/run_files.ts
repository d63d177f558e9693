/**
 * Reading back what a run wrote. A run directory's files are untrusted input (copied, edited, damaged, crafted):
 * each is read only when it is a regular file within a size bound suited to its kind, parsed, and checked against
 * a schema, so that a bad one is an error naming the file and the field — never a hang, a huge allocation or a
 * JavaScript error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathPresent, readBoundedText } from '@pixpnet/engine';
import { runPaths } from './run_dir.js';
import { readYamlFile } from '@pixpnet/engine/validate';
import type { JsonSchema } from '@pixpnet/engine/validate';

const KiB = 1024, MiB = 1024 * KiB;

/** The size bounds of a run's files, by kind. */
export const RUN_FILE_LIMITS = {
  /** `results/*.yaml` (interpretability.yaml holds per-prototype scores: thousands of prototypes fit). */
  yaml: 64 * MiB,
  /** `results/best_model_path.txt`: one path. */
  pointer: 4 * KiB,
  /** `csv/version_0/metrics.csv`. */
  csv: 1024 * MiB,
} as const;

/**
 * A YAML mapping of a run (`results/*.yaml`), or undefined when the file is absent. A file that is not a regular
 * file, is too large, is not YAML, or does not hold a mapping (an empty file included) is an error naming it and
 * `fix`.
 */
export function readRunYaml(file: string, fix: string): Record<string, unknown> | undefined {
  return readYamlFile(file, { maxBytes: RUN_FILE_LIMITS.yaml, what: 'a YAML file of the run', fix });
}

/** A YAML file of a run checked against `schema` (see {@link checkFileData}); undefined when absent. */
export function readCheckedYaml<T>(file: string, schema: JsonSchema, fix: string, top: 'mapping' | 'list' = 'mapping'): T | undefined {
  return readYamlFile<T>(file, { maxBytes: RUN_FILE_LIMITS.yaml, what: 'a YAML file of the run', fix, top, schema });
}

/** `results/scores.yaml`: a list holding one mapping of test metrics (numbers; NaN where a loss diverged). */
export const SCORES_SCHEMA: JsonSchema = {
  type: 'array', minItems: 1,
  items: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
};

/** `results/model_info.yaml`: a mapping of scalars. */
export const MODEL_INFO_SCHEMA: JsonSchema = {
  type: 'object', additionalProperties: { type: ['number', 'string', 'boolean', 'null'] },
};

/** A run's test scores (`results/scores.yaml`'s first mapping), or undefined when the run has not finished. */
export function readScores(file: string): Record<string, number> | undefined {
  const list = readCheckedYaml<Array<Record<string, number>>>(file, SCORES_SCHEMA, 'it holds the test scores the run wrote when it finished; restore it from a copy, or run pixpnet train --resume on a run that has not finished.', 'list');
  return list?.[0];
}

/** A run's `results/model_info.yaml`, or undefined when absent. */
export function readModelInfo(file: string, fix: string): Record<string, number | string | boolean | null> | undefined {
  return readCheckedYaml(file, MODEL_INFO_SCHEMA, fix);
}

/**
 * The checkpoint `results/best_model_path.txt` names (relative to `results/`), or undefined when the file is absent,
 * empty or names a file that is gone. It must name a file inside the run directory: one outside (`/etc/passwd`,
 * `../../x`) is an error naming it — a crafted pointer is never followed.
 */
export function readBestModelPath(runDir: string, results: string): string | undefined {
  const pointer = path.join(results, 'best_model_path.txt');
  if (!pathPresent(pointer)) return undefined;
  const fix = 'it names the run\'s checkpoint (e.g. ../csv/version_0/checkpoints/epoch=9-step=500.ckpt); fix it, or delete it to use the run\'s only checkpoint.';
  const target = readBoundedText(pointer, { maxBytes: RUN_FILE_LIMITS.pointer, what: 'one path', fix }).trim();
  if (!target) return undefined;
  if (target.includes('\0') || target.includes('\n')) throw new Error(`${pointer} should hold one path, but holds ${JSON.stringify(target.slice(0, 60))}: ${fix}`);
  const root = path.resolve(runDir);
  const abs = path.resolve(results, target);
  const inside = (p: string, dir: string) => {
    const rel = path.relative(dir, p);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  if (!inside(abs, root)) throw new Error(`${pointer} names ${target}, outside the run directory ${runDir}: a run's checkpoint is inside it, so it is not read. ${fix[0]!.toUpperCase()}${fix.slice(1)}`);
  if (!pathPresent(abs)) return undefined;
  const real = fs.realpathSync(abs), realRoot = fs.realpathSync(root);
  if (!inside(real, realRoot)) throw new Error(`${pointer} names ${target}, a link to ${real} outside the run directory ${runDir}: it is not read. ${fix[0]!.toUpperCase()}${fix.slice(1)}`);
  return abs;
}

/**
 * Throws unless every folder a resumed run writes (`csv/…`, `checkpoints/`, `results/`, `tensorboard/…`, `model/`)
 * that exists stays inside the run directory once symbolic links are followed: a run directory from elsewhere
 * never makes a resume write outside it.
 */
export function checkRunFoldersInside(runDir: string): void {
  const root = fs.realpathSync(runDir);
  const p = runPaths(runDir);
  for (const dir of [path.join(runDir, 'csv'), p.csv, p.checkpoints, p.results, path.join(runDir, 'tensorboard'), p.tensorboard, p.model]) {
    if (!pathPresent(dir)) continue;
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch {
      throw new Error(`${dir} is a symbolic link to nothing (${fs.readlinkSync(dir)}): remove it, and run the command again.`);
    }
    const rel = path.relative(root, real);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new Error(`${dir} leads out of the run directory ${runDir} (to ${real}): a run writes only inside its directory. Remove the link, and run the command again.`);
    }
  }
}
