/**
 * One owner per run directory (the engine's {@link lockFile} on `RUN_DIR/.pixpnet.lock`), taken before anything is
 * written: a second process gets an error naming the owner and the lock file; a lock left by a process that died
 * (kill -9, a restarted container) is taken over safely. Re-entrant within one process.
 */
import path from 'node:path';
import { lockFile } from '@pixpnet/engine';
import type { FileLock } from '@pixpnet/engine';

/** The lock file's name inside a run directory. */
export const LOCK_FILE = '.pixpnet.lock';

/** A taken lock; `release()` removes the file once every holder in this process has released it. */
export type RunLock = FileLock;

/** Takes the lock of `runDir` (which must exist), or throws naming the process that holds it. */
export function lockRunDir(runDir: string): RunLock {
  return lockFile(path.join(path.resolve(runDir), LOCK_FILE), {
    what: `the run directory ${runDir}`, why: 'two processes on one run directory would corrupt it',
  });
}
