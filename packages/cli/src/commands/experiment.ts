/**
 * `pixpnet experiment -c FILE --out DIR`: training configs × seeds (an experiment file, `configs/experiments/`),
 * each run trained, then scored with both mappings of a prototype to pixels; `DIR/runs.csv` (one row per config ×
 * seed), `DIR/summary.csv` (mean ± sd per config) and the figure `DIR/experiment.{png,svg}`. Resumable (a row done is
 * kept, a killed run resumed), shardable (`--shard i/n`, or a Slurm job array: `--emit-sbatch`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { log } from '@pixpnet/engine';
import { formatMeanSd } from '@pixpnet/eval';
import type { ExperimentSummary } from '@pixpnet/eval';
import { parseShard, sbatchScript, shardFromEnv } from '@pixpnet/train';
import { planExperiment } from '../experiment/plan.js';
import { runExperiment } from '../experiment/run.js';
import { checkOutDir } from '../out_dir.js';
import { formatTable } from '../table.js';
import { addShardOptions } from '../options.js';
import type { ShardFlags } from '../options.js';
import { builtinConfigs } from '../configs.js';

/** The printed table: each config's mean ± sd over its seeds (its own mapping for the box figures). */
export function formatExperiment(summary: readonly ExperimentSummary[]): string {
  const cols: Array<[string, string]> = [
    ['accuracy', 'accuracy'], ['consistency_soft', 'consistency soft'], ['stability_soft', 'stability soft'], ['part_correctness', 'part-correctness'],
    ['rot_area_rf', 'ROT area rf'], ['rot_area_upsample', 'ROT area upsample'],
  ];
  return formatTable([['config', 'mapping', 'seeds', ...cols.map(([, l]) => l)],
    ...summary.map((s) => [s.config, s.mapping, String(s.seeds.length), ...cols.map(([c]) => formatMeanSd(s.stats[c]!))])], new Set([2, 3, 4, 5, 6, 7, 8]));
}

/** Adds `experiment`. */
export function registerExperiment(program: Command): void {
  const cmd = program
    .command('experiment')
    .description('train configs × seeds and score every run with both mappings: runs.csv, summary.csv (mean ± sd) and a figure')
    .requiredOption('-c, --config <file>', `an experiment file (configs/experiments/), or a built-in one: ${builtinConfigs('experiments').join(', ') || 'none'}`)
    .option('--out <dir>', 'the output folder (default experiments/<name>); a second run of the same command resumes there');
  addShardOptions(cmd, 'experiment')
    .action(async (o: ShardFlags & { config: string; out?: string }) => {
      const plan = planExperiment(o.config); // every config and option checked before any work
      const shard = o.shard ? parseShard(o.shard) : shardFromEnv();
      const out = checkOutDir(o.out ?? path.join('experiments', plan.name), '--out');
      if (o.emitSbatch) {
        const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/pixpnet.js');
        fs.mkdirSync(out, { recursive: true }); // Slurm opens the tasks' --output files there before they start
        process.stdout.write(sbatchScript({
          command: 'experiment', args: ['-c', plan.file], outDir: out, arraySize: o.arraySize ?? 4, node: process.execPath, bin, cwd: process.cwd(),
          ...(o.partition ? { partition: o.partition } : {}), ...(o.cpusPerTask ? { cpusPerTask: o.cpusPerTask } : {}), ...(o.time ? { time: o.time } : {}),
        }));
        return;
      }
      log.info(`Experiment ${plan.name}: ${plan.configs.map((c) => `${c.name} (${c.mapping})`).join(', ')} × seeds ${plan.seeds.join(', ')} = ${plan.rows.length} runs` +
        `${shard ? `; shard ${shard.index}/${shard.count}` : ''} → ${out}`);
      const { summary } = await runExperiment(plan, {
        out, ...(shard ? { shard } : {}),
        onRow: (e) => {
          const what = `row ${e.index + 1}/${e.rows}: ${e.config} seed ${e.seed}`;
          if (e.state === 'start') log.info(`${what}: training and evaluating (log: ${path.join(out, 'runs', e.config, `seed-${e.seed}`, 'pixpnet.log')})`);
          else if (e.state === 'done') log.info(`${what}: done`);
          else if (e.state === 'skipped') log.info(`${what}: already done (resuming)`);
          else log.info(`${what}: another process is running it`);
        },
      });
      if (summary.length) process.stdout.write(`${formatExperiment(summary)}\n`);
      process.stdout.write(`${path.join(out, 'summary.csv')}\n`);
    });
}
