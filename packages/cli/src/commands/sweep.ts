/**
 * `pixpnet sweep`: the Goldilocks sweep — a classifier trained on every (backbone, stage), one CSV row each,
 * resumable, sharded over Slurm job arrays (`--shard i/n` or the array task's environment, `--emit-sbatch`), with
 * `pixpnet sweep merge` for the shards and `pixpnet sweep analyze` for the receptive-field/accuracy analysis.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option } from 'commander';
import type { Command } from 'commander';
import YAML from 'yaml';
import { initBackend, log } from '@pixpnet/engine';
import { mergeSweeps, parseShard, planSweep, runSweep, sbatchScript, shardFromEnv } from '@pixpnet/train';
import type { SweepSettings } from '@pixpnet/train';
import { engineOptions, numberArg, wholeArg } from '../options.js';
import type { GlobalOptions } from '../options.js';
import { addShardOptions } from '../options.js';
import type { ShardFlags } from '../options.js';
import { stageProgress } from '../progress.js';
import { formatTable } from '../table.js';
import { resolveConfigFile } from '../configs.js';
import { registerSweepAnalyze } from './sweep_analyze.js';
import { checkOutDir } from '../out_dir.js';

/** The options of `pixpnet sweep` (also the keys of its YAML config). */
interface SweepFlags extends ShardFlags {
  config?: string;
  models?: string;
  stages?: string;
  dataset?: string;
  datasetRoot?: string;
  datasetAllowOutsideRoot?: boolean;
  inputSize?: number;
  batchSize?: number;
  epochs?: number;
  lr?: number;
  pretrained?: string | boolean;
  seed?: number;
  debug?: boolean;
  augment?: boolean;
  out?: string;
}

const list = (v?: string) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
const KEYS: Record<string, keyof SweepFlags> = {
  models: 'models', stages: 'stages', dataset: 'dataset', 'dataset-root': 'datasetRoot', 'dataset-allow-outside-root': 'datasetAllowOutsideRoot', 'input-size': 'inputSize', 'batch-size': 'batchSize',
  epochs: 'epochs', lr: 'lr', pretrained: 'pretrained', 'no-pretrained': 'pretrained', seed: 'seed', debug: 'debug', 'no-augment': 'augment', out: 'out',
};

/** A YAML config's keys as flags (the command line wins); unknown keys are refused with the known ones. */
function fromConfig(arg: string): SweepFlags {
  const file = resolveConfigFile(arg, 'sweeps');
  let doc: Record<string, unknown> | null;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  } catch (e) {
    throw new Error(`${file} is not valid YAML (${(e as Error).message.split('\n')[0]}): fix it, or give the options on the command line.`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file} must hold a mapping of sweep options (e.g. 'epochs: 3').`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    const key = KEYS[k];
    if (!key || !Object.hasOwn(KEYS, k)) throw new Error(`${file}: unknown sweep option '${k}'. Known: ${Object.keys(KEYS).join(', ')}.`);
    out[key] = k === 'no-pretrained' || k === 'no-augment' ? !v : Array.isArray(v) ? v.join(',') : v;
  }
  return out as SweepFlags;
}

/** The sweep's settings from the flags (the config file below the command line). */
function settingsOf(f: SweepFlags): SweepSettings {
  const debug = Boolean(f.debug);
  const pretrained = f.pretrained === false ? false : typeof f.pretrained === 'string' ? f.pretrained : 'hf';
  if (typeof pretrained === 'string' && pretrained !== 'hf' && !fs.existsSync(pretrained)) {
    throw new Error(`--pretrained ${pretrained}: give 'hf' (each backbone's ImageNet weights) or a folder of <model>.safetensors files; no such folder.`);
  }
  return {
    models: list(f.models), stages: list(f.stages), dataset: f.dataset ?? (debug ? 'CIFAR10' : 'IMAGENETTE'), datasetRoot: f.datasetRoot ?? 'data',
    ...(f.datasetAllowOutsideRoot ? { allowOutsideRoot: true } : {}),
    ...(f.inputSize !== undefined ? { inputSize: Number(f.inputSize) } : {}), epochs: Number(f.epochs ?? 10), batchSize: Number(f.batchSize ?? 32),
    lr: Number(f.lr ?? 1e-3), pretrained, seed: Number(f.seed ?? 0), debug, ...(f.augment === false ? { augment: false } : {}),
  };
}

/** The arguments that reproduce the sweep (for the sbatch script). */
function sweepArgs(s: SweepSettings): string[] {
  return [
    ...(s.models.length ? ['--models', s.models.join(',')] : []), ...(s.stages.length ? ['--stages', s.stages.join(',')] : []),
    '--dataset', s.dataset, '--dataset-root', path.resolve(s.datasetRoot), ...(s.allowOutsideRoot ? ['--dataset-allow-outside-root'] : []), ...(s.inputSize ? ['--input-size', String(s.inputSize)] : []),
    '--batch-size', String(s.batchSize), '--epochs', String(s.epochs), '--lr', String(s.lr), '--seed', String(s.seed),
    ...(s.pretrained === false ? ['--no-pretrained'] : ['--pretrained', s.pretrained === 'hf' ? 'hf' : path.resolve(s.pretrained)]), ...(s.debug ? ['--debug'] : []),
    ...(s.augment === false ? ['--no-augment'] : []),
  ];
}

function runCommand(sweep: Command): void {
  const cmd = sweep
    .command('run', { isDefault: true })
    .description('train and test a classifier on every (backbone, stage): one CSV row each (the default subcommand)')
    .option('-c, --config <file>', 'YAML file with these options as keys (the command line wins), or a built-in name such as synthparts')
    .option('--models <list>', 'zoo models whose names contain one of these, comma-separated (default: every zoo model)')
    .option('--stages <list>', "stages to cut at, comma-separated (default: each family's stages)")
    .option('--dataset <name>', 'dataset key (default IMAGENETTE; CIFAR10 with --debug)')
    .option('--dataset-root <dir>', 'data root: the dataset lives in <root>/<key lower-case> (default data)')
    .option('--dataset-allow-outside-root', "read images that the dataset's lists (CUB's images.txt, Stanford Cars' annotations) place outside the dataset folder ('../', absolute paths; refused by default, naming the file and line)")
    .addOption(new Option('--input-size <px>', "square input size (default: the dataset's)").argParser(wholeArg('--input-size', 8, 4096)))
    .addOption(new Option('--batch-size <n>', 'batch size of training and test (default 32)').argParser(wholeArg('--batch-size', 1, 65536)))
    .addOption(new Option('--epochs <n>', 'epochs per row (default 10)').argParser(wholeArg('--epochs', 1, 100000)))
    .addOption(new Option('--lr <x>', "Adam's learning rate, backbone and head (default 0.001)").argParser(numberArg('--lr', (n) => n > 0 && n <= 100, 'a number in (0, 100]')))
    .option('--pretrained <hf|dir>', "start each row from ImageNet weights: hf (each backbone's known weights, downloaded once into the cache) or a folder of <model>.safetensors (default hf)")
    .option('--no-pretrained', 'start from random weights (recorded in the CSV)')
    .addOption(new Option('--seed <n>', 'seed (default 0)').argParser(wholeArg('--seed', 0)))
    .option('--debug', 'three batches per split (and CIFAR-10 unless --dataset)')
    .option('--no-augment', "train without the dataset's augmentation (later epochs then read decoded images from the cache)")
    .option('--out <csv>', 'the CSV (and its .sweep.json); default sweeps/<sweep id>/sweep.csv, or shard-<i>.csv for a shard');
  addShardOptions(cmd, 'sweep')
    .action(async (_o: unknown, self: Command) => {
      const all = self.optsWithGlobals<GlobalOptions & SweepFlags>();
      const given = Object.fromEntries(Object.entries(self.opts<SweepFlags>()).filter(([k]) => self.getOptionValueSource(k) === 'cli')) as SweepFlags;
      const flags: SweepFlags = { ...(all.config ? fromConfig(all.config) : {}), ...given };
      const plan = planSweep(settingsOf(flags)); // every check before any work
      if (flags.emitSbatch) {
        const outDir = checkOutDir(flags.out ? path.dirname(flags.out) : path.join('sweeps', plan.id), flags.out ? `The folder of --out ${flags.out}` : 'The sweep folder');
        const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/pixpnet.js');
        fs.mkdirSync(outDir, { recursive: true }); // Slurm opens the tasks' --output files there before they start
        process.stdout.write(sbatchScript({
          args: sweepArgs(plan.settings), outDir, arraySize: flags.arraySize ?? 4, node: process.execPath, bin, cwd: process.cwd(),
          ...(flags.partition ? { partition: flags.partition } : {}), ...(flags.cpusPerTask ? { cpusPerTask: flags.cpusPerTask } : {}), ...(flags.time ? { time: flags.time } : {}),
        }));
        return;
      }
      const shard = flags.shard ? parseShard(flags.shard) : shardFromEnv();
      const csv = flags.out ?? path.join('sweeps', plan.id, shard ? `shard-${shard.index}.csv` : 'sweep.csv');
      // (a symbolic link to a folder: the CSV goes into the folder it points to)
      const out = path.join(checkOutDir(path.dirname(csv), flags.out ? `The folder of --out ${flags.out}` : 'The sweep folder'), path.basename(csv));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      await initBackend(engineOptions(all));
      log.info(`Sweep ${plan.id}: ${plan.rows.length} rows (${[...new Set(plan.rows.map((r) => r.model))].length} models) on ${plan.datasetKey} at ${plan.inputSize}px` +
        `${shard ? `; shard ${shard.index}/${shard.count}` : ''} → ${out}`);
      const bar = stageProgress();
      let current = '', t0 = performance.now();
      const rows = await runSweep({
        plan, out, ...(shard ? { shard } : {}),
        onEvent: (e) => {
          if (e.type === 'start') {
            if (e.skipped) log.info(`${e.skipped} row(s) already in ${out}: skipped (resuming)`);
            t0 = performance.now();
          } else if (e.type === 'rowStart') {
            // the row's bar has its own ETA; the label carries the sweep's (from the rows done so far)
            const left = e.index ? Math.round(((performance.now() - t0) / 1000 / e.index) * (e.rows - e.index)) : undefined;
            current = `row ${e.index + 1}/${e.rows}${left !== undefined ? ` (sweep ETA ${Math.floor(left / 60)} min ${left % 60} s)` : ''} ${e.model} ${e.stage}`;
          }
          else if (e.type === 'batch') bar.update(current, e.done, e.total);
          else if (e.type === 'rowEnd') {
            bar.stop();
            const per = (performance.now() - t0) / 1000 / (e.index + 1), left = Math.round(per * (e.rows - e.index - 1));
            const r = e.row;
            log.info(`${current}: ${r.Note ? `not run (${r.Note})` : `top-1 ${(Number(r['Test Accuracy Epoch']) * 100).toFixed(1)} %, patch ${Number(r['Patch % of Image']).toFixed(1)} %`}` +
              ` — overall ${e.index + 1}/${e.rows}, ETA ${Math.floor(left / 60)} min ${left % 60} s`);
          }
        },
      });
      bar.stop();
      const table = [['model', 'stage', 'top-1 %', 'top-5 %', 'patch %', 'note'], ...rows.map((r) => [r.Model, r['Stage Name'],
        r.Note ? '' : (Number(r['Test Accuracy Epoch']) * 100).toFixed(1), r.Note ? '' : (Number(r['Test Accuracy Top5 Epoch']) * 100).toFixed(1),
        r.Note ? '' : Number(r['Patch % of Image']).toFixed(1), r.Note])];
      if (rows.length) process.stdout.write(`${formatTable(table, new Set([2, 3, 4]))}\n`);
      process.stdout.write(`${path.resolve(out)}\n`);
    });
}

/** Adds `sweep` with its subcommands `run` (default), `merge` and `analyze`. */
export function registerSweep(program: Command): void {
  const sweep = program.command('sweep').description('the Goldilocks sweep: accuracy against receptive-field size for every backbone and stage (run, merge, analyze)');
  runCommand(sweep);
  sweep
    .command('merge')
    .description('merge the CSVs of a sweep\'s shards (same sweep, every row exactly once) into OUT.csv')
    .argument('<out>', 'the merged CSV')
    .argument('<csvs...>', 'the shard CSVs (each with its .sweep.json)')
    .action((given: string, csvs: string[]) => {
      const out = path.join(checkOutDir(path.dirname(given), `The folder of ${given}`), path.basename(given));
      const rows = mergeSweeps(out, csvs);
      log.info(`Merged ${csvs.length} shard(s): ${rows.length} rows → ${out}`);
      process.stdout.write(`${path.resolve(out)}\n`);
    });
  registerSweepAnalyze(sweep);
}
