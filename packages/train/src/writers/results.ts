/**
 * `results/` (spec §3.8): config.yaml (4-space indentation; written at the start too), scores.yaml, model_info.yaml,
 * best_model_path.txt; and skipped_images.txt (file, tab, reason) when `--dataset.skip-corrupt` left images out.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { runPaths } from '../run_dir.js';
import { removeStaleTemps, writeAllAtomic, writeAtomic } from '@pixpnet/engine';
import type { RunEndEvent, RunStartEvent } from '../events.js';

/** Writes the results folder when the run ends. */
export class ResultsWriter {
  private config: Record<string, unknown> = {};

  /** Writes `config.yaml` at once: a run killed before its first checkpoint can restart from it (`--resume`). */
  start(e: RunStartEvent): void {
    this.config = e.resultsConfig;
    const dir = runPaths(e.runDir).results;
    fs.mkdirSync(dir, { recursive: true });
    removeStaleTemps(dir);
    writeAtomic(path.join(dir, 'config.yaml'), YAML.stringify(this.config, { indent: 4 }));
    if (e.skippedImages?.length) {
      writeAtomic(path.join(dir, 'skipped_images.txt'), e.skippedImages.map((b) => `${b.file}\t${b.reason}\n`).join(''));
    }
  }

  end(e: RunEndEvent): void {
    const dir = runPaths(e.runDir).results;
    // together: a full disk leaves none of them half-written and none replaced
    writeAllAtomic([
      [path.join(dir, 'config.yaml'), YAML.stringify(this.config, { indent: 4 })],
      [path.join(dir, 'scores.yaml'), YAML.stringify([e.scores])],
      [path.join(dir, 'model_info.yaml'), YAML.stringify(e.modelInfo)],
      ...(e.writeBestModelPath ? [[path.join(dir, 'best_model_path.txt'), path.relative(dir, e.checkpoint)] as const] : []),
    ]);
  }
}
