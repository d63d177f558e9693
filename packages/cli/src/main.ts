/** Entry point of the `pixpnet` binary. */
import { CommanderError } from 'commander';
import { formatPeakMemory, getLogLevel, log, pidAlive } from '@pixpnet/engine';
import { createProgram } from './program.js';

/**
 * With `PIXPNET_EXIT_WITH_PARENT=<pid>` (set by `pixpnet experiment` for the commands it runs), stops this process
 * when that process is gone: a killed experiment leaves no training running on behind it (its runs resume later).
 */
function watchParent(): void {
  const pid = Number(process.env['PIXPNET_EXIT_WITH_PARENT']);
  if (!Number.isInteger(pid) || pid <= 0) return;
  setInterval(() => {
    if (!pidAlive(pid)) {
      log.error(`The process that started this one (${pid}) is gone: stopping (what is saved stays; the run resumes when it is started again).`);
      process.exit(1);
    }
  }, 250).unref();
}

/**
 * Runs `pixpnet` with `argv` (as `process.argv`: node, script, args...) and returns the exit code.
 * Errors are reported as one line naming the problem; the stack only at `--log-level DEBUG`.
 */
export async function main(argv: readonly string[]): Promise<number> {
  watchParent();
  // benchmarks read each command's peak memory from this line
  if (process.env['PIXPNET_REPORT_MEMORY'] === '1') process.once('exit', () => log.info(formatPeakMemory()));
  const program = createProgram().exitOverride();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode; // commander has already printed help or the error
    const err = e as Error;
    log.error(err.message);
    if (getLogLevel() === 'DEBUG' && err.stack) log.debug(err.stack);
    return 1;
  }
}
