/**
 * Atomic file writes, the one helper every package uses: a reader (or a resumed run) sees the old file or the new
 * one, never half of one. Temporary files are named after the writing process (`.name.tmp-PID`), so that the
 * leftovers of a killed process can be told from a live writer's and removed ({@link removeStaleTemps}) — which
 * `write-file-atomic`'s hashed temporary names do not allow.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Whether process `pid` is alive on this host (EPERM: alive, owned by someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes `data` to `file` atomically (temporary file, fsync, rename). */
export function writeAtomic(file: string, data: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Forces a file's appended data to disk. */
export function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Removes the temporary files a killed {@link writeAtomic} left in `dir` (never the files themselves, never a live
 * process's temporary files).
 */
export function removeStaleTemps(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const f of fs.readdirSync(dir)) {
    const m = /^\..+\.tmp-(\d+)$/.exec(f);
    if (m && (Number(m[1]) === process.pid || !pidAlive(Number(m[1])))) fs.rmSync(path.join(dir, f), { force: true });
  }
}
