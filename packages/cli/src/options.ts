/** The options every `pixpnet` command takes. */
import { Option } from 'commander';
import type { Command } from 'commander';
import { BACKEND_CHOICES, parseLogLevel, setLogLevel, setProgressInterval } from '@pixpnet/engine';
import type { BackendChoice, InitBackendOptions } from '@pixpnet/engine';

/** Parsed global options. */
export interface GlobalOptions {
  backend?: BackendChoice;
  threads?: number;
  logLevel?: string;
  'log.everySeconds'?: number;
}

/** A commander parser for a flag that takes a number passing `check` (the error names the flag and what it must be). */
export function numberArg(flag: string, check: (n: number) => boolean, what: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !check(n)) throw new Error(`${flag} must be ${what}, got '${v}'.`);
    return n;
  };
}

/** A parser for a whole number ≥ `min` (and ≤ `max` when given). */
export function wholeArg(flag: string, min: number, max?: number): (v: string) => number {
  const what = max === undefined ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
  return numberArg(flag, (n) => Number.isInteger(n) && n >= min && (max === undefined || n <= max), what);
}

/** Adds `--backend`, `--threads` and `--log-level`, and applies the log level before any command runs. */
export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(new Option('--backend <name>', 'tfjs backend (default: $PIXPNET_BACKEND, else auto)').choices([...BACKEND_CHOICES]))
    .addOption(new Option('--threads <n>', 'wasm threads (default: $PIXPNET_THREADS, else one per core)').argParser(wholeArg('--threads', 1)))
    .addOption(new Option('--log-level <level>', 'DEBUG, INFO, WARNING or ERROR (default: $PIXPNET_LOG_LEVEL, else INFO)'))
    .addOption(new Option('--log.every-seconds <s>', 'without a terminal (a Slurm log, nohup), a progress line at least this often in every long stage (default: $PIXPNET_LOG_EVERY_SECONDS, else 30)')
      .argParser(numberArg('--log.every-seconds', (n) => Number.isFinite(n) && n > 0, 'a number > 0')))
    .hook('preAction', (_this, action) => {
      const o = action.optsWithGlobals<GlobalOptions>();
      if (o.logLevel) setLogLevel(parseLogLevel(o.logLevel));
      if (o['log.everySeconds'] !== undefined) setProgressInterval(o['log.everySeconds']);
    });
}

/** The engine options the global flags ask for (unset flags fall back to the environment in the engine). */
export function engineOptions(o: GlobalOptions): InitBackendOptions {
  const out: InitBackendOptions = {};
  if (o.backend) out.backend = o.backend;
  if (o.threads) out.threads = o.threads;
  return out;
}

/** The shard and Slurm options `sweep` and `experiment` share (`what`: "sweep" or "experiment"). */
export interface ShardFlags {
  shard?: string;
  emitSbatch?: boolean;
  arraySize?: number;
  partition?: string;
  cpusPerTask?: number;
  time?: string;
}

/** Adds `--shard`, `--emit-sbatch` and the options of the script it prints to `cmd`. */
export function addShardOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--shard <i/n>', 'run every n-th row starting at i (default: from SLURM_ARRAY_TASK_ID/COUNT in an array job)')
    .option('--emit-sbatch', `print an sbatch script that runs this ${what} as a Slurm job array, and exit`)
    .addOption(new Option('--array-size <n>', 'array tasks (shards) of --emit-sbatch (default 4)').argParser(wholeArg('--array-size', 1, 100000)))
    .option('--partition <p>', 'Slurm partition for --emit-sbatch')
    .addOption(new Option('--cpus-per-task <c>', 'CPUs per array task for --emit-sbatch').argParser(wholeArg('--cpus-per-task', 1, 4096)))
    .option('--time <t>', 'time limit per array task for --emit-sbatch, e.g. 04:00:00');
}
