/**
 * Progress lines for logs without a terminal (a Slurm job's log, `nohup`): a long stage writes where it is, how fast
 * it goes, what it has taken and what it will take, at least every `--log.every-seconds` (default 30).
 */

/** Seconds between two progress lines unless set: `$PIXPNET_LOG_EVERY_SECONDS`, else 30. */
export const DEFAULT_PROGRESS_SECONDS = 30;

let everySeconds: number | undefined;

/** Sets the interval of progress lines (the CLI's `--log.every-seconds`); `undefined` restores the default. */
export function setProgressInterval(seconds: number | undefined): void {
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) throw new Error(`--log.every-seconds must be a number > 0, got ${seconds}.`);
  everySeconds = seconds;
}

/** The interval of progress lines in seconds: the one set, else `$PIXPNET_LOG_EVERY_SECONDS`, else 30. */
export function progressInterval(): number {
  if (everySeconds !== undefined) return everySeconds;
  const env = process.env['PIXPNET_LOG_EVERY_SECONDS'];
  if (env !== undefined && env.trim() !== '') {
    const n = Number(env);
    if (Number.isFinite(n) && n > 0) return n;
    throw new Error(`PIXPNET_LOG_EVERY_SECONDS must be a number > 0, got '${env}'.`);
  }
  return DEFAULT_PROGRESS_SECONDS;
}

/** "45 s", "3 min 20 s", "2 h 05 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/**
 * Throttled progress lines of one stage at a time: `start(stage)`, then `tick(done, total, images)` after each unit
 * of work (`unit`: '' to leave it out) writes `stage: done/total unit, R images/s, T elapsed, ETA E` when `every` seconds have passed since the
 * stage began or since the last line. The clock is injectable (milliseconds) for tests.
 */
export class Heartbeat {
  private stage = '';
  private started = 0;
  private last = 0;
  private images = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly everySeconds: () => number = progressInterval,
    private readonly now: () => number = () => performance.now(),
    private readonly unit = 'batches',
  ) {}

  /** Begins a stage (its clock and image count restart). */
  start(stage: string): void {
    this.stage = stage;
    this.started = this.last = this.now();
    this.images = 0;
  }

  /** The stage being timed ('' before the first `start`). */
  get current(): string {
    return this.stage;
  }

  /** Records `images` more of `done` of `total` units, and writes a line when it is time. */
  tick(done: number, total: number, images = 0): void {
    this.images += images;
    const t = this.now();
    if ((t - this.last) / 1000 < this.everySeconds()) return;
    this.last = t;
    this.write(this.line(done, total, (t - this.started) / 1000));
  }

  /** Writes the stage's last line, whatever the time: `stage: done/total unit in T, R images/s`. */
  end(done: number, total: number): void {
    const elapsed = (this.now() - this.started) / 1000;
    this.write(`${this.stage}: ${done}/${total}${this.unit ? ` ${this.unit}` : ''} in ${formatDuration(elapsed)}${this.rate(elapsed)}`);
  }

  private rate(elapsed: number): string {
    return this.images > 0 && elapsed > 0 ? `, ${(this.images / elapsed).toPrecision(3)} images/s` : '';
  }

  private line(done: number, total: number, elapsed: number): string {
    const eta = done > 0 && total >= done ? `, ETA ${formatDuration((elapsed / done) * (total - done))}` : '';
    return `${this.stage}: ${done}/${total}${this.unit ? ` ${this.unit}` : ''}${this.rate(elapsed)}, ${formatDuration(elapsed)} elapsed${eta}`;
  }
}
