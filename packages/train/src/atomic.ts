/** Atomic file writes: a reader (or a resumed run) sees the old file or the new one, never half of one. */
import fs from 'node:fs';
import path from 'node:path';
import { pidAlive } from './lock.js';

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
