/**
 * One owner per file or folder: an exclusive lock file holding the owner's PID, host, process start time and
 * command. The lock is created whole in one step (written to a private file, then hard-linked to the lock's name,
 * which fails when it exists), so nobody ever reads half a lock. A lock whose process is gone — dead, or its PID
 * now another process's (a restarted container reuses PIDs: the recorded start time tells them apart) — is taken
 * over under a short takeover guard, after checking that it is still the same stale lock, so two processes can
 * never both take it over. Re-entrant within one process; released when the process exits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log } from './log.js';
import { pidAlive } from './atomic.js';
import { readBoundedText } from './read_file.js';

/** What a lock file holds. */
export interface LockInfo {
  pid: number;
  host: string;
  /** When the lock was taken (ISO time). */
  started: string;
  command: string;
  /** The owner's start time in clock ticks since boot (`/proc/<pid>/stat`, Linux), to tell a reused PID. */
  procStart?: number;
  /** The boot the start time counts from (`/proc/sys/kernel/random/boot_id`). */
  bootId?: string;
  /** Unique to this lock. */
  token: string;
}

/** A taken lock; `release()` removes the file once every holder in this process has released it. */
export interface FileLock {
  file: string;
  release(): void;
}

/** Options of {@link lockFile}. */
export interface LockOptions {
  /** What the lock protects, for messages, in lower case (e.g. "the run directory x"). */
  what: string;
  /** Why two owners would be a problem (end of the "in use" message). */
  why?: string;
}

const held = new Map<string, { count: number; token: string }>(); // lock file → re-entrant count in this process
const GUARD_STALE_MS = 10_000; // a takeover takes milliseconds; a guard older than this was left by a killed process
const TRIES = 200;

/** A small text file's content, undefined when it is gone; anything but a regular file is an error naming it. */
function readText(file: string): string | undefined {
  try {
    return readBoundedText(file, { maxBytes: 64 * 1024, what: 'a small text file', fix: 'Delete it if no pixpnet process is running, and run the command again.' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** A file of /proc (its size reads as 0, so it is read as a stream), undefined when absent. */
function readProc(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The start time (clock ticks since boot) of process `pid`, on Linux. */
export function processStartTicks(pid: number): number | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // the fields after the command name (which may hold spaces and parentheses): state is field 3, starttime field 22
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const v = Number(fields[19]);
  return Number.isFinite(v) ? v : undefined;
}

const bootId = () => readProc('/proc/sys/kernel/random/boot_id')?.trim();

function parseInfo(text: string | undefined): LockInfo | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as LockInfo;
    return v && typeof v === 'object' && Number.isInteger(v.pid) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote `info` is still running (on this host). */
function ownerAlive(info: LockInfo): boolean {
  if (!pidAlive(info.pid)) return false;
  if (info.procStart === undefined) return true; // written without a start time: trust the PID
  if (info.bootId !== undefined && bootId() !== undefined && info.bootId !== bootId()) return false; // rebooted since
  const now = processStartTicks(info.pid);
  return now === undefined || now === info.procStart;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const removeHint = (file: string, pid: number) => `if no such process is running (check with: ps -p ${pid}), delete ${file} and run the command again.`;

/**
 * Takes the lock `file` (its folder must exist), or throws naming the process that holds it, the lock file and
 * how to remove it safely.
 */
export function lockFile(file: string, o: LockOptions): FileLock {
  file = path.resolve(file);
  const release = () => {
    const h = held.get(file);
    if (!h) return;
    if (--h.count > 0) return;
    held.delete(file);
    if (parseInfo(readText(file))?.token === h.token) fs.rmSync(file, { force: true });
  };
  const mine = held.get(file);
  if (mine) {
    mine.count++;
    return { file, release };
  }
  const token = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const procStart = processStartTicks(process.pid);
  const info: LockInfo = {
    pid: process.pid, host: os.hostname(), started: new Date().toISOString(), command: process.argv.slice(1).join(' '),
    ...(procStart !== undefined ? { procStart, bootId: bootId()! } : {}), token,
  };
  const text = JSON.stringify(info);
  const own = `${file}.${token}`; // the lock's content, complete before it gets the lock's name
  fs.writeFileSync(own, text);
  try {
    for (let attempt = 0; attempt < TRIES; attempt++) {
      try {
        fs.linkSync(own, file);
        held.set(file, { count: 1, token });
        return { file, release };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const seen = readText(file);
      if (seen === undefined) continue; // released meanwhile
      const other = parseInfo(seen);
      if (other && other.host !== os.hostname()) {
        throw new Error(`${cap(o.what)} is in use by process ${other.pid} on ${other.host} (since ${other.started}); its lock is ${file}. ` +
          `If that process is gone, delete ${file} and run the command again.`);
      }
      if (other && ownerAlive(other)) {
        throw new Error(`${cap(o.what)} is in use by process ${other.pid} (${other.command || 'pixpnet'}, since ${other.started})${o.why ? `: ${o.why}` : ''}. ` +
          `Wait for it to finish, or stop it first. Its lock is ${file}: ${removeHint(file, other.pid)}`);
      }
      if (!other) {
        // not a lock this code writes whole: an older version's lock being written this instant, or garbage
        let age = 0;
        try {
          age = Date.now() - fs.statSync(file).mtimeMs;
        } catch {
          continue;
        }
        if (age < 5000) {
          sleep(20);
          continue;
        }
      }
      if (takeOver(file, seen, own)) {
        log.warning(`Took over the stale lock of ${o.what}${other ? ` (process ${other.pid}${pidAlive(other.pid) ? ' is another program now' : ' is gone'})` : ''}`);
      }
    }
    throw new Error(`Could not lock ${o.what}: other processes keep taking its lock ${file}; try again.`);
  } finally {
    fs.rmSync(own, { force: true });
  }
}

/** Blocks for `ms` milliseconds. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Removes the stale lock `file` whose content was `seen`, under the takeover guard `file.takeover`: only the
 * process holding the guard may remove a lock, and only when it still holds exactly what was judged stale. Returns
 * whether it removed it (the caller then competes for the free lock as usual).
 */
function takeOver(file: string, seen: string, own: string): boolean {
  const guard = `${file}.takeover`;
  try {
    fs.linkSync(own, guard);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    try {
      if (Date.now() - fs.statSync(guard).mtimeMs > GUARD_STALE_MS) fs.rmSync(guard, { force: true }); // left by a killed process
    } catch {
      // released meanwhile
    }
    sleep(5);
    return false;
  }
  try {
    if (readText(file) !== seen) return false; // taken over (or released) by another process meanwhile
    fs.rmSync(file, { force: true });
    return true;
  } finally {
    if (readText(guard) === readText(own)) fs.rmSync(guard, { force: true });
  }
}

/** Releases every lock this process still holds when it exits (a crash or process.exit). */
process.once('exit', () => {
  for (const [file, h] of held) {
    try {
      if (parseInfo(readText(file))?.token === h.token) fs.rmSync(file, { force: true });
    } catch {
      // replaced by something else meanwhile: left as it is
    }
  }
});
