/** Checking an output folder a user names before any work. */
import fs from 'node:fs';
import path from 'node:path';

/**
 * Throws unless `dir` is a folder that exists and can be written to, or can be created: a file in its place or
 * above it, or a place where no folder can be made (a read-only or virtual file system), is an error naming `what`
 * (the option) and the fix. The missing folders are created one by one to find out, then removed again, so a
 * check leaves nothing behind (and never meets Node's recursive mkdir, which loops forever under `/proc`).
 */
export function checkOutDir(dir: string, what: string): void {
  const abs = path.resolve(dir);
  const fix = 'give a folder you can write to (it is created if missing).';
  if (fs.existsSync(abs)) {
    if (!fs.statSync(abs).isDirectory()) throw new Error(`${what} ${dir} is a file, not a folder: ${fix}`);
    try {
      fs.accessSync(abs, fs.constants.W_OK);
    } catch {
      throw new Error(`${what} ${dir} is not writable: ${fix}`);
    }
    return;
  }
  const missing: string[] = [];
  let p = abs;
  while (!fs.existsSync(p)) {
    missing.unshift(p);
    p = path.dirname(p);
  }
  if (!fs.statSync(p).isDirectory()) throw new Error(`${what} ${dir}: ${p} is a file, so no folder can be made under it: ${fix}`);
  const made: string[] = [];
  try {
    for (const m of missing) {
      try {
        fs.mkdirSync(m);
        made.push(m);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e; // (made meanwhile by another process: fine)
      }
    }
  } catch (e) {
    throw new Error(`${what} ${dir} cannot be created (${(e as NodeJS.ErrnoException).code ?? (e as Error).message} at ${missing[made.length]}): ${fix}`);
  } finally {
    for (const m of made.reverse()) {
      try {
        fs.rmdirSync(m);
      } catch {
        // another process put something there meanwhile: it stays
      }
    }
  }
}
