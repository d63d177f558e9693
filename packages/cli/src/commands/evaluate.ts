/**
 * `pixpnet evaluate RUN_DIR`: the paper's interpretability metrics of a trained run (consistency, stability, the
 * relevance ordering test) and part-correctness on datasets that name their class-defining parts, written under `RUN_DIR/results/` and printed as a table (or one JSON object).
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { initBackend } from '@pixpnet/engine';
import { BOX_METHODS, METRICS, checkInterpretabilityOptions, interpretabilityRecord } from '@pixpnet/eval';
import type { BoxMethod, InterpretabilityOptions, MetricName } from '@pixpnet/eval';
import { engineOptions, numberArg, wholeArg } from '../options.js';
import type { GlobalOptions } from '../options.js';
import { checkResultsDir, evaluateRun, formatInterpretability, logOutputs } from '../evaluation.js';
import { requireRunDir } from '../run_data.js';
import type { SplitName } from '../run_data.js';

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
interface EvaluateFlags {
  metrics?: string[];
  method?: string[];
  split?: SplitName;
  limitImages?: number;
  json?: boolean;
  'eval.boxRadius'?: number;
  'eval.legacyBoxRadius'?: boolean;
  'eval.legacyPartMapping'?: boolean;
  'eval.legacySoftStability'?: boolean;
  'eval.legacyMissingPartNan'?: boolean;
  'eval.noiseStd'?: number;
  'eval.noiseSeed'?: number;
  'eval.partTopK'?: number;
  'rot.methods'?: string[];
  'rot.steps'?: number;
  'rot.exact'?: boolean;
  'rot.numSamples'?: number;
  'rot.sampleOrder'?: 'first' | 'spread';
  'rot.propPixels'?: number;
  /** commander keeps `--rot.no-same-class` as is: only a leading `--no-` negates. */
  'rot.noSameClass'?: boolean;
  'rot.normalized'?: boolean;
  'rot.zeros'?: boolean;
  'rot.seed'?: number;
  'rot.legacyCounting'?: boolean;
}

/**
 * Pixel counts of `pixpnet evaluate`'s ROT unless `--rot.steps` or `--rot.exact` says otherwise: the fast test, whose
 * area differs from the exact one's by 0.004 on the demo at a fraction of the forwards.
 */
export const DEFAULT_ROT_STEPS = 33;

/** The library options the flags ask for (the ROT: `--rot.steps`, every pixel count with `--rot.exact`, else {@link DEFAULT_ROT_STEPS}). */
export function interpretabilityOptions(f: EvaluateFlags): InterpretabilityOptions {
  if (f['rot.exact'] && f['rot.steps'] !== undefined) {
    throw new Error(`--rot.exact evaluates every pixel count and --rot.steps ${f['rot.steps']} only ${f['rot.steps']} of them: give one of the two.`);
  }
  const rot: NonNullable<InterpretabilityOptions['rot']> = {};
  if (!f['rot.exact']) rot.steps = f['rot.steps'] ?? DEFAULT_ROT_STEPS;
  if (f['rot.numSamples'] !== undefined) rot.numSamples = f['rot.numSamples'];
  if (f['rot.sampleOrder']) rot.sampleOrder = f['rot.sampleOrder'];
  if (f['rot.propPixels'] !== undefined) rot.propPixels = f['rot.propPixels'];
  if (f['rot.noSameClass']) rot.sameClass = false;
  if (f['rot.normalized']) rot.normalized = true;
  if (f['rot.zeros']) rot.zeros = true;
  if (f['rot.seed'] !== undefined) rot.seed = f['rot.seed'];
  if (f['rot.legacyCounting']) rot.legacyRotCounting = true;
  return {
    ...(f.metrics ? { metrics: f.metrics as MetricName[] } : {}),
    ...(f.method ? { methods: f.method as BoxMethod[] } : {}),
    ...(f['eval.boxRadius'] !== undefined ? { boxRadius: f['eval.boxRadius'] } : {}),
    ...(f['eval.legacyBoxRadius'] ? { legacyBoxRadius: true } : {}),
    ...(f['eval.legacyPartMapping'] ? { legacyPartMapping: true } : {}),
    ...(f['eval.legacySoftStability'] ? { legacySoftStability: true } : {}),
    ...(f['eval.legacyMissingPartNan'] ? { legacyMissingPartNan: true } : {}),
    ...(f['eval.noiseStd'] !== undefined ? { noiseStd: f['eval.noiseStd'] } : {}),
    ...(f['eval.noiseSeed'] !== undefined ? { noiseSeed: f['eval.noiseSeed'] } : {}),
    ...(f['eval.partTopK'] !== undefined ? { partTopK: f['eval.partTopK'] } : {}),
    ...(f['rot.methods'] ? { rotMethods: f['rot.methods'] } : {}),
    rot,
  };
}

/** Adds `evaluate`. */
export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('interpretability metrics of a trained run: consistency, stability, part-correctness, relevance ordering test')
    .argument('<run_dir>', 'a finished run directory (pixpnet train writes it; a symbolic link to one works like it)')
    .option('--metrics <list>', `comma-separated among ${METRICS.join(', ')} (default: every one the dataset supports)`, list)
    .option('--method <list>', `box methods of consistency, stability and part-correctness, comma-separated among ${BOX_METHODS.join(', ')} (default: bbox,upsample)`, list)
    .addOption(new Option('--split <name>', 'split to evaluate').choices(['test', 'val', 'train']).default('test'))
    .option('--limit-images <n>', 'evaluate the first n images of the split only (smoke runs; recorded as split test[:n])', wholeArg('--limit-images', 1))
    .option('--json', 'print one JSON object on stdout (the contents of results/interpretability.yaml)')
    .option('--eval.box-radius <px>', 'half-size of the prototype box (default: round(36 × input size / 224))', numberArg('--eval.box-radius', (n) => n > 0, 'a positive number'))
    .option('--eval.legacy-box-radius', "the reference's fixed 36 px radius (made for 224 px inputs)")
    .option('--eval.legacy-part-mapping', "the reference's part mapping, which assumes a square resize (wrong for non-square images)")
    .option('--eval.legacy-soft-stability', "the reference's soft stability: one image with no part in a prototype's box, clean and noisy, makes the prototype " +
      'NaN, left out of the mean for good (default: two empty part sets are identical, Jaccard 1)')
    .option('--eval.legacy-missing-part-nan', "the reference's consistency: a prototype whose class's images never show some part scores NaN, left out of " +
      "soft consistency and not consistent for hard (default: that part is left out of the prototype's best part)")
    .option('--eval.noise-std <sigma>', 'stability noise in normalised input space (default: 0.2)', numberArg('--eval.noise-std', (n) => n >= 0, 'a number ≥ 0'))
    .option('--eval.noise-seed <n>', 'seed of the stability noise (default: 0)', wholeArg('--eval.noise-seed', 0))
    .option('--eval.part-top-k <k>', "part-correctness: each prototype's k test images of highest similarity, of any class, judged by whether its box holds a part " +
      "that defines the prototype's class (datasets naming those parts: the synthetic set's class_parts.txt; default: 10)", wholeArg('--eval.part-top-k', 1))
    .option('--rot.methods <list>', 'ROT heat-map methods, comma-separated (default: rf,upsample,random)', list)
    .option('--rot.steps <k>', `evaluate k pixel counts and integrate between them (default: ${DEFAULT_ROT_STEPS}, the fast test)`, wholeArg('--rot.steps', 2))
    .option('--rot.exact', 'the exact test: every pixel count (H·W + 1 per image and prototype, about 250 times the forwards of the fast test at 64 px)')
    .option('--rot.num-samples <n>', 'test images (default: 50)', wholeArg('--rot.num-samples', 1))
    .addOption(new Option('--rot.sample-order <order>', 'the first test images in loader order (the reference), or images spread evenly over the split (every class)').choices(['first', 'spread']))
    .option('--rot.prop-pixels <p>', 'fraction of the pixels added back (default: 1)', numberArg('--rot.prop-pixels', (n) => n > 0 && n <= 1, 'in (0, 1]'))
    .option('--rot.no-same-class', "evaluate every prototype on every image, not only the image's class's")
    .option('--rot.normalized', "divide by the prototype's similarity on the original image")
    .option('--rot.zeros', 'a baseline of zeros (the dataset mean) instead of seeded standard normal noise')
    .option('--rot.seed <n>', 'seed of the baseline and random maps (default: 4)', wholeArg('--rot.seed', 0))
    .option('--rot.legacy-counting', "the reference's per-batch image counting: each test batch's evaluated images credited to the prototypes of its last " +
      "image's class only, dividing the others by zero when a batch mixes classes (default: each prototype's curve over the images it was evaluated on)")
    .action(async (runArg: string, _o: unknown, self: Command) => {
      const all = self.optsWithGlobals<GlobalOptions & EvaluateFlags>();
      const options = { ...interpretabilityOptions(all), ...(all.split ? { split: all.split } : {}), ...(all.limitImages ? { limitImages: all.limitImages } : {}) };
      checkInterpretabilityOptions(options); // before the backend starts
      const runDir = requireRunDir(runArg);
      checkResultsDir(runDir);
      await initBackend(engineOptions(all));
      const result = await evaluateRun(runDir, options);
      if (all.json) process.stdout.write(JSON.stringify(interpretabilityRecord(result)) + '\n');
      else {
        process.stdout.write(formatInterpretability(result) + '\n');
        logOutputs(runDir, result);
      }
    });
}
