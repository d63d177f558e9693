/**
 * Loading a finished run (spec §3.9): the nested `results/config.yaml` back to a flat config (real types and
 * nulls kept), the checkpoint from `best_model_path.txt` (relative to `results/`) or else the single `*.ckpt`
 * under the run, and the model rebuilt with its weights.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ProtoNet } from '@pixpnet/models';
import { modelFromCheckpoint, readCheckpoint } from './checkpoint.js';
import { flattenNested } from './nested.js';
import { runPaths } from './run_dir.js';
import { readBestModelPath, readRunYaml, readScores } from './run_files.js';
import { checkRecordedConfig } from './config.js';

/** A finished run. */
export interface LoadedRun {
  runDir: string;
  /** Flat configuration with dashed keys, as `resolveConfig` gives (plus the derived entries). */
  config: Record<string, unknown>;
  /** The nested configuration as written. */
  nested: Record<string, unknown>;
  checkpoint: string;
  model: ProtoNet;
  /** `results/scores.yaml`'s first map, when present. */
  scores?: Record<string, number>;
}

function findCheckpoints(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findCheckpoints(p));
    else if (e.name.endsWith('.ckpt')) out.push(p);
  }
  return out;
}

/** The checkpoint a finished run's model comes from. */
export function runCheckpoint(runDir: string): string {
  const named = readBestModelPath(runDir, runPaths(runDir).results);
  if (named) return named;
  const found = findCheckpoints(runDir);
  if (found.length !== 1) {
    throw new Error(`${runDir}: expected exactly one .ckpt file (best_model_path.txt missing or stale), found ${found.length}` +
      `${found.length ? `: ${found.map((f) => path.relative(runDir, f)).join(', ')}` : ''}. Is it a finished PixPNet run directory?`);
  }
  return found[0]!;
}

/** Loads a finished run's configuration and model. */
export function loadRun(runDir: string): LoadedRun {
  const nested = readResultsConfig(runDir);
  if (!nested) throw new Error(`${runDir} has no results/config.yaml: is it a PixPNet run directory?`);
  const scores = readScores(path.join(runPaths(runDir).results, 'scores.yaml'));
  if (!scores) throw new Error(`${runDir} has not finished (no results/scores.yaml): continue it with pixpnet train --resume ${runDir}.`);
  const checkpoint = runCheckpoint(runDir);
  const model = modelFromCheckpoint(readCheckpoint(checkpoint));
  return { runDir, config: flattenNested(nested), nested, checkpoint, model, scores };
}

/** A run's nested `results/config.yaml` (written when the run starts), or undefined when there is none. */
export function readResultsConfig(runDir: string): Record<string, unknown> | undefined {
  const file = path.join(runPaths(runDir).results, 'config.yaml');
  const fix = 'it records the run\'s configuration; restore it from a copy.';
  const nested = readRunYaml(file, fix);
  if (nested) checkRecordedConfig(flattenNested(nested), file, fix);
  return nested;
}
