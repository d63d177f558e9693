/** Entry point of the `pixpnet` binary. */
import { CommanderError } from 'commander';
import { getLogLevel, log } from '@pixpnet/engine';
import { createProgram } from './program.js';

/**
 * Runs `pixpnet` with `argv` (as `process.argv`: node, script, args...) and returns the exit code.
 * Errors are reported as one line naming the problem; the stack only at `--log-level DEBUG`.
 */
export async function main(argv: readonly string[]): Promise<number> {
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
