/**
 * Learning-rate schedules of spec §3.4: cosine, step and multistep, stepped once per epoch, with the reference's
 * exponential warmup dampening. The effective multiplier during epoch `e` (0-based) is
 * `base(e) · (1 − exp(−(e + 2)/W))` (the warmup is constructed before the scheduler, so it is one step ahead, and
 * it never fully finishes); without warmup (`W = 0`) it is `base(e)`.
 */

/** Options of {@link lrMultiplier} (`--optimizer.*`). */
export interface ScheduleOptions {
  /** `cosine` (default), `step` or `multistep`. */
  scheduler?: 'cosine' | 'step' | 'multistep';
  /** Total epochs (cosine `T_max`). */
  epochs: number;
  /** `step`: exactly one period; `multistep`: the epochs at which the LR is multiplied. */
  lrSchedule?: number[];
  /** Multiplier of `step`/`multistep`. */
  lrFactor?: number;
  /** Warmup period W (0: none). */
  warmupPeriod?: number;
}

/** The base schedule's multiplier during epoch `e`. */
export function baseSchedule(e: number, o: ScheduleOptions): number {
  const kind = o.scheduler ?? 'cosine';
  if (kind === 'cosine') return 0.5 * (1 + Math.cos((Math.PI * e) / o.epochs));
  const f = o.lrFactor ?? 0.1;
  const sched = o.lrSchedule ?? [];
  if (kind === 'step') {
    if (sched.length !== 1) throw new Error(`--optimizer.lr-scheduler step needs exactly one period in --optimizer.lr-schedule, got [${sched}].`);
    return f ** Math.floor(e / sched[0]!);
  }
  return f ** sched.filter((m) => m <= e).length;
}

/** The LR multiplier during epoch `e` (0-based), warmup included. */
export function lrMultiplier(e: number, o: ScheduleOptions): number {
  const W = o.warmupPeriod ?? 0;
  const warm = W > 0 ? 1 - Math.exp(-(e + 2) / W) : 1;
  return baseSchedule(e, o) * warm;
}
