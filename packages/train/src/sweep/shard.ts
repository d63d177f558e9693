/** Shards of a sweep: `--shard i/n` runs every n-th row starting at i; Slurm job arrays give i and n in the environment. */

/** A shard: index `i` of `n`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/n` (0 ≤ i < n). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const shard = m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
  if (!shard || shard.count < 1 || shard.index >= shard.count) throw new Error(`--shard ${text}: expected i/n with 0 ≤ i < n, e.g. 0/4.`);
  return shard;
}

/**
 * The shard of a Slurm array task: `SLURM_ARRAY_TASK_ID` relative to `SLURM_ARRAY_TASK_MIN`, of
 * `SLURM_ARRAY_TASK_COUNT` (or `MAX − MIN + 1`); undefined outside an array job.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  const id = env['SLURM_ARRAY_TASK_ID'];
  if (id === undefined || id === '') return undefined;
  const min = Number(env['SLURM_ARRAY_TASK_MIN'] ?? 0), max = env['SLURM_ARRAY_TASK_MAX'];
  const count = env['SLURM_ARRAY_TASK_COUNT'] !== undefined ? Number(env['SLURM_ARRAY_TASK_COUNT']) : max !== undefined ? Number(max) - min + 1 : NaN;
  const index = Number(id) - min;
  if (!Number.isInteger(index) || !Number.isInteger(count) || index < 0 || index >= count) {
    throw new Error(`SLURM_ARRAY_TASK_ID=${id} with MIN=${env['SLURM_ARRAY_TASK_MIN']}, MAX=${max}, COUNT=${env['SLURM_ARRAY_TASK_COUNT']} is not a shard: submit with --array=0-(N-1).`);
  }
  return { index, count };
}

/** The rows of one shard, in order. */
export function shardRows<T>(rows: readonly T[], shard?: Shard): T[] {
  return shard ? rows.filter((_, k) => k % shard.count === shard.index) : [...rows];
}
