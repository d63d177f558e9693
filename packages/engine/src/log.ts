/**
 * Logging for every PixPNet package.
 *
 * Lines look like `2026-11-25T20:37:34.123Z[12345][INFO] message` (the reference implementation's
 * format) and go to standard error, so that standard output stays free for results (`--json`, tables).
 * The level comes from `PIXPNET_LOG_LEVEL` (`DEBUG`, `INFO`, `WARNING` or `ERROR`; default `INFO`).
 */

/** A log level, from the most to the least verbose. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

/** The levels in order of severity. */
export const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR'];

const ALIASES: Record<string, LogLevel> = { WARN: 'WARNING', ERR: 'ERROR', CRITICAL: 'ERROR' };

/** Where log lines are written; replaceable for tests. */
export type LogSink = (line: string) => void;

let sink: LogSink = (line) => {
  if (typeof process !== 'undefined' && process.stderr) process.stderr.write(line + '\n');
  else console.error(line);
};
let override: LogLevel | undefined;
let warnedBadLevel = false;

/**
 * Parses a level name (case-insensitive; `WARN` is accepted for `WARNING`).
 * @throws Error naming the accepted values when the name is not a level.
 */
export function parseLogLevel(name: string): LogLevel {
  const upper = name.trim().toUpperCase();
  const level = (LOG_LEVELS as readonly string[]).includes(upper) ? (upper as LogLevel) : ALIASES[upper];
  if (!level) throw new Error(`Unknown log level '${name}': use one of ${LOG_LEVELS.join(', ')}.`);
  return level;
}

/** The level in force: the one set with {@link setLogLevel}, else `PIXPNET_LOG_LEVEL`, else `INFO`. */
export function getLogLevel(): LogLevel {
  if (override) return override;
  const env = typeof process !== 'undefined' ? process.env['PIXPNET_LOG_LEVEL'] : undefined;
  if (!env) return 'INFO';
  try {
    return parseLogLevel(env);
  } catch (e) {
    if (!warnedBadLevel) {
      warnedBadLevel = true;
      sink(formatLine('WARNING', `PIXPNET_LOG_LEVEL: ${(e as Error).message} Logging at INFO.`));
    }
    return 'INFO';
  }
}

/** Sets the level for this process (a `--log-level` flag); `undefined` goes back to the environment. */
export function setLogLevel(level: LogLevel | undefined): void {
  override = level;
}

/** Sends log lines somewhere else (tests); returns the previous sink. */
export function setLogSink(next: LogSink): LogSink {
  const prev = sink;
  sink = next;
  return prev;
}

/** Formats one log line: `<ISO time>[<pid>][<LEVEL>] <message>`. */
export function formatLine(level: LogLevel, message: string, now: Date = new Date()): string {
  const pid = typeof process !== 'undefined' ? process.pid : 0;
  return `${now.toISOString()}[${pid}][${level}] ${message}`;
}

/** True when a message at `level` would be written. */
export function isEnabled(level: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(getLogLevel());
}

function write(level: LogLevel, message: string): void {
  if (isEnabled(level)) sink(formatLine(level, message));
}

/** The PixPNet logger. */
export const log = {
  debug: (message: string): void => write('DEBUG', message),
  info: (message: string): void => write('INFO', message),
  warning: (message: string): void => write('WARNING', message),
  error: (message: string): void => write('ERROR', message),
};
