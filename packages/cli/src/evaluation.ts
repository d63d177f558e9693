/**
 * The interpretability evaluation of a run directory, shared by `pixpnet evaluate` and the end of `pixpnet train`:
 * load the run, reopen its dataset with parts and the same split, evaluate with `@pixpnet/eval`, write the results
 * under `RUN_DIR/results/`, and print the summary.
 */
import fs from 'node:fs';
import path from 'node:path';
import { engineInfo, log } from '@pixpnet/engine';
import { microBatchSize, WASM_STEP_BUDGET } from '@pixpnet/models';
import { checkInterpretabilityOptions, evaluateInterpretability, planEvaluation, readClassParts } from '@pixpnet/eval';
import type { InterpretabilityOptions, InterpretabilityResult } from '@pixpnet/eval';
import { lockRunDir, runPaths } from '@pixpnet/train';
import { formatTable } from './table.js';
import { stageProgress } from './progress.js';
import { requireRunDir, runSplit, withRun } from './run_data.js';
import { checkOutDir } from './out_dir.js';
import type { SplitName } from './run_data.js';


/**
 * Throws unless the run's `results/` folder can be written and stays inside the run once symbolic links are followed
 * (a run directory may come from elsewhere: a link in it never sends the results outside it).
 */
export function checkResultsDir(runDir: string): void {
  checkOutDir(runPaths(runDir).results, "The run's results folder", { within: { dir: runDir } });
}

/** Evaluates the run in `runDir` (its model, dataset and split); writes `results/interpretability.yaml`, `results/rot/`, `results/rot.{svg,png}`. */
export async function evaluateRun(runArg: string, options: InterpretabilityOptions & { split?: SplitName; limitImages?: number }): Promise<InterpretabilityResult> {
  checkInterpretabilityOptions(options);
  const runDir = requireRunDir(runArg);
  checkResultsDir(runDir);
  const lock = lockRunDir(runDir); // it writes results/: not while a training process owns the directory
  try {
    return await evaluateLocked(runDir, options);
  } finally {
    lock.release();
  }
}

async function evaluateLocked(runDir: string, options: InterpretabilityOptions & { split?: SplitName; limitImages?: number }): Promise<InterpretabilityResult> {
  return withRun(runDir, true, async (run, ds) => {
    const c = run.config;
    const whole = options.split ?? 'test';
    let indices = runSplit(c, ds, whole);
    if (!indices.length) throw new Error(`The run's ${whole} split is empty: choose another with --split.`);
    // a limited evaluation is of a split of its own (`test[:100]`): its results and ROT cache never pass for the whole split's
    const limited = options.limitImages !== undefined && options.limitImages < indices.length;
    if (limited) {
      log.warning(`--limit-images ${options.limitImages}: evaluating the first ${options.limitImages} of the ${indices.length} ${whole} images (a smoke run), recorded as split ${whole}[:${options.limitImages}].`);
      indices = indices.slice(0, options.limitImages);
    }
    const split = limited ? `${whole}[:${options.limitImages}]` : whole;
    const batchSize = Number(c['test.batch-size'] ?? 32);
    const classParts = readClassParts(ds.dir, { optional: true }); // the synthetic set names the parts that define each class
    planEvaluation({ model: run.model, samples: ds.index.samples, indices, batchSize, ...(classParts ? { classParts } : {}) }, options); // every check before any forward pass
    const budget = engineInfo()?.backend === 'wasm' ? WASM_STEP_BUDGET : Infinity;
    const stat = fs.statSync(run.checkpoint);
    const progress = stageProgress();
    try {
      return await evaluateInterpretability({
        model: run.model, samples: ds.index.samples, indices, preset: ds.preset, dataset: ds.key, split, batchSize, ...(classParts ? { classParts } : {}),
        microBatch: microBatchSize(run.model, batchSize, budget, 'eval'), resultsDir: runPaths(runDir).results,
        modelId: `${path.relative(runDir, run.checkpoint)} ${stat.size} ${stat.mtimeMs}`, onProgress: progress.update,
      }, options);
    } finally {
      progress.stop();
    }
  });
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(3));

/**
 * The summary printed after an evaluation: part metrics per box method (part-correctness as a last column when it was
 * computed), ROT per heat-map method.
 */
export function formatInterpretability(r: InterpretabilityResult): string {
  const out: string[] = [];
  if (r.collapsed?.length) out.push(`COLLAPSED MODEL: ${r.collapsed.join('; ')}. The figures below mean nothing (perfect stability included).`);
  const label: Record<string, string> = { bbox: 'bbox (RF, ours)', upsample: 'upsample (ProtoPNet)', rf: 'rf (ours)', prp: 'prp (relevance)' };
  if (r.consistency || r.stability || r.partCorrectness) {
    const methods = [...new Set([r.consistency, r.stability, r.partCorrectness].flatMap((x) => Object.keys(x ?? {})))];
    const pc = r.partCorrectness;
    const k = r.parameters['partTopK'];
    out.push(formatTable([
      ['box method', 'consistency soft', 'consistency hard', 'stability soft', 'stability hard', ...(pc ? [`part-correctness${typeof k === 'number' ? ` (top ${k})` : ''}`] : [])],
      ...methods.map((m) => [label[m] ?? m, f3(r.consistency?.[m]?.soft), f3(r.consistency?.[m]?.hard), f3(r.stability?.[m]?.soft), f3(r.stability?.[m]?.hard), ...(pc ? [f3(pc[m]?.score)] : [])]),
    ], new Set([1, 2, 3, 4, 5])));
  }
  if (r.rot) {
    const rows = Object.entries(r.rot).map(([m, v]) => [label[m] ?? m, f3(v.area), v.pctAtOrigSim === null || Number.isNaN(v.pctAtOrigSim) ? 'n/a' : `${v.pctAtOrigSim.toFixed(1)} %`, String(v.forwards), v.cached ? 'cached' : `${v.seconds.toFixed(1)} s`]);
    out.push(formatTable([['ROT heat map', 'area', 'pct@orig.sim', 'forwards', 'time'], ...rows], new Set([1, 2, 3, 4])));
  }
  for (const [m, why] of Object.entries(r.skipped)) out.push(`${m}: skipped (${why})`);
  return out.join('\n\n');
}

/** Logs where the outputs are. */
export function logOutputs(runDir: string, r: InterpretabilityResult): void {
  const results = runPaths(runDir).results;
  log.info(`Interpretability results: ${path.join(results, 'interpretability.yaml')}${r.rotPlot ? `, ROT plot ${path.join(results, r.rotPlot.png)}` : ''}`);
}
