/** The sbatch script of a sweep: a Slurm job array whose tasks each run one shard (the shard comes from the environment). */

/** Options of {@link sbatchScript}. */
export interface SbatchOptions {
  /** The `pixpnet sweep` arguments, without `--emit-sbatch` and its options, and without `--out`/`--shard`. */
  args: string[];
  /** Folder of the shard CSVs and the Slurm logs. */
  outDir: string;
  arraySize: number;
  partition?: string;
  cpusPerTask?: number;
  time?: string;
  /** The node binary and the pixpnet script to run. */
  node: string;
  bin: string;
  /** The working folder of the tasks. */
  cwd: string;
  /** The pixpnet command the tasks run (default `sweep`: each task writes `OUT_DIR/shard-<i>.csv`). */
  command?: 'sweep' | 'experiment';
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/** The script text. */
export function sbatchScript(o: SbatchOptions): string {
  if (!Number.isInteger(o.arraySize) || o.arraySize < 1) throw new Error(`--array-size must be a whole number ≥ 1, got ${o.arraySize}.`);
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=pixpnet-${o.command ?? 'sweep'}`,
    `#SBATCH --array=0-${o.arraySize - 1}`,
    `#SBATCH --output=${quote(`${o.outDir}/slurm-%A_%a.out`)}`,
    ...(o.partition ? [`#SBATCH --partition=${quote(o.partition)}`] : []),
    ...(o.cpusPerTask ? [`#SBATCH --cpus-per-task=${o.cpusPerTask}`] : []),
    ...(o.time ? [`#SBATCH --time=${quote(o.time)}`] : []),
    `# One shard per array task: pixpnet ${o.command ?? 'sweep'} reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT.`,
    'set -euo pipefail',
    `cd ${quote(o.cwd)}`,
    `export PIXPNET_THREADS=\${SLURM_CPUS_PER_TASK:-\${PIXPNET_THREADS:-1}}`,
    ...(o.command === 'experiment'
      ? [`exec ${quote(o.node)} ${quote(o.bin)} experiment ${o.args.map(quote).join(' ')} --out ${quote(o.outDir)}`,
        '# every task adds its rows to runs.csv and summary.csv as they finish; the last one leaves them whole']
      : [`exec ${quote(o.node)} ${quote(o.bin)} sweep ${o.args.map(quote).join(' ')} --out ${quote(o.outDir)}/shard-\${SLURM_ARRAY_TASK_ID}.csv`,
        `# then: pixpnet sweep merge ${quote(o.outDir)}/sweep.csv ${quote(o.outDir)}/shard-*.csv`]),
    '',
  ];
  return lines.join('\n');
}
