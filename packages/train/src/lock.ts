/**
 * One owner per run directory: an exclusive lock file (`O_EXCL`) holding the owner's PID, host, start time and
 * command, taken before anything is written. A second process gets an error naming the owner; a lock left by a
 * process that died (kill -9) is detected and replaced. Re-entrant within one process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log, pidAlive } from '@pixpnet/engine';

/** The lock file's name inside a run directory. */
export const LOCK_FILE = '.pixpnet.lock';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  command: string;
}

const held = new Map<string, number>(); // lock file → re-entrant count in this process

/** A taken lock; `release()` removes the file once every holder in this process has released it. */
export interface RunLock {
  file: string;
  release(): void;
}

function readInfo(file: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/** Takes the lock of `runDir` (which must exist), or throws naming the process that holds it. */
export function lockRunDir(runDir: string): RunLock {
  const file = path.join(path.resolve(runDir), LOCK_FILE);
  const release = () => {
    const n = (held.get(file) ?? 1) - 1;
    if (n > 0) { held.set(file, n); return; }
    held.delete(file);
    if (readInfo(file)?.pid === process.pid) fs.rmSync(file, { force: true });
  };
  if (held.has(file)) {
    held.set(file, held.get(file)! + 1);
    return { file, release };
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      const info: LockInfo = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
      fs.writeSync(fd, JSON.stringify(info));
      fs.closeSync(fd);
      held.set(file, 1);
      return { file, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const other = readInfo(file);
    if (!other) {
      // being written this instant, or garbage: garbage older than a few seconds is stale
      if (Date.now() - fs.statSync(file).mtimeMs < 5000) throw new Error(`${runDir} is being locked by another process right now: try again in a moment.`);
    } else if (other.host !== os.hostname()) {
      throw new Error(`${runDir} is in use by process ${other.pid} on ${other.host} (since ${other.started}). If that process is gone, delete ${file}.`);
    } else if (pidAlive(other.pid)) {
      throw new Error(`${runDir} is in use by process ${other.pid} (${other.command || 'pixpnet'}, since ${other.started}): ` +
        'two processes on one run directory would corrupt it. Wait for it to finish, or stop it first.');
    }
    log.warning(`Removing the stale lock of ${runDir}${other ? ` (process ${other.pid} is gone)` : ''}`);
    fs.rmSync(file, { force: true });
  }
  throw new Error(`Could not lock ${runDir}: another process keeps taking it.`);
}

/** Releases every lock this process still holds when it exits (a crash or process.exit). */
process.once('exit', () => {
  for (const file of held.keys()) if (readInfo(file)?.pid === process.pid) fs.rmSync(file, { force: true });
});
