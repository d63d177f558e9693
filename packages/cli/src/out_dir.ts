/**
 * Checking an output folder a user names before any work. One rule for every command that writes: a symbolic link
 * is followed before any work — a link to a folder works like that folder, and the command writes into (and prints)
 * the folder it points to — while a dangling link, a link loop or a link to a file is refused, naming it. A folder
 * a command writes inside a run directory by default (RUN_DIR/export, RUN_DIR/results, …) must stay inside the run
 * once links are followed: a run directory may come from elsewhere, and a link in it never sends files outside it.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Options of {@link checkOutDir}. */
export interface OutDirOptions {
  /**
   * A run directory the folder must stay inside once symbolic links are followed (for the folders a command writes
   * in a run by default); `option`, when given, is the flag that writes elsewhere (named in the fix).
   */
  within?: { dir: string; option?: string };
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Whether `child` is `parent` or inside it (both absolute, links resolved). */
function inside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Checks `dir` (named `what` in errors: the option, or a phrase for a default folder) before any work and returns
 * the folder to write to, absolute, with symbolic links resolved. It must be a folder that exists and can be
 * written to, or one that can be created: a file in its place or above it, a symbolic link that leads nowhere, in a
 * loop or to a file, or a place where no folder can be made (a read-only or virtual file system) is an error naming
 * it and the fix. The missing folders are created one by one to find out, then removed again, so a check leaves
 * nothing behind (and never meets Node's recursive mkdir, which loops forever under `/proc`).
 */
export function checkOutDir(dir: string, what: string, options: OutDirOptions = {}): string {
  const abs = path.resolve(dir);
  const fix = 'give a folder you can write to (it is created if missing).';
  // the deepest part of the path that is there (a link counts, even a dangling one)
  let p = abs;
  for (;;) {
    try {
      fs.lstatSync(p);
      break;
    } catch (e) {
      if (!['ENOENT', 'ENOTDIR', 'ELOOP'].includes(code(e))) throw new Error(`${what} ${dir} cannot be checked (${code(e)} at ${p}): ${fix}`);
      if (path.dirname(p) === p) break;
      p = path.dirname(p);
    }
  }
  let real: string;
  try {
    real = fs.realpathSync(p);
  } catch (e) {
    // a link on the way (p itself or a folder above it) leads nowhere or in a circle
    let link = p;
    while ((!fs.lstatSync(link).isSymbolicLink() || fs.existsSync(link)) && path.dirname(link) !== link) link = path.dirname(link);
    if (!fs.lstatSync(link).isSymbolicLink()) throw new Error(`${what} ${dir} cannot be checked (${code(e)} at ${p}): ${fix}`);
    const target = fs.readlinkSync(link);
    const where = link === abs ? `${what} ${dir} is` : `${what} ${dir}: ${link} is`;
    if (code(e) === 'ELOOP') throw new Error(`${where} a symbolic link that leads back to itself (${target}): remove the link, or ${fix}`);
    throw new Error(`${where} a symbolic link to ${target}, which does not exist: create that folder, or remove the link, or ${fix}`);
  }
  const isLink = fs.lstatSync(p).isSymbolicLink();
  if (!fs.statSync(real).isDirectory()) {
    const kind = isLink ? `a symbolic link to the file ${real}` : 'a file';
    if (p === abs) throw new Error(`${what} ${dir} is ${kind}, not a folder: ${fix}`);
    throw new Error(`${what} ${dir}: ${p} is ${kind}, so no folder can be made under it: ${fix}`);
  }
  const resolved = path.join(real, path.relative(p, abs));
  if (options.within) {
    const run = fs.realpathSync(options.within.dir);
    if (!inside(run, resolved)) {
      throw new Error(`${what} ${dir} leads out of the run directory ${options.within.dir} (a symbolic link to ${resolved}): ` +
        `a run's own folders stay inside it. Remove the link${options.within.option ? `, or give ${options.within.option} ${resolved} to write there` : ''}.`);
    }
  }
  if (p === abs) {
    try {
      fs.accessSync(real, fs.constants.W_OK);
    } catch {
      throw new Error(`${what} ${dir}${isLink ? ` (a symbolic link to ${real})` : ''} is not writable: ${fix}`);
    }
    return real;
  }
  const missing: string[] = [];
  for (let m = resolved; m !== real; m = path.dirname(m)) missing.unshift(m);
  const made: string[] = [];
  try {
    for (const m of missing) {
      try {
        fs.mkdirSync(m);
        made.push(m);
      } catch (e) {
        if (code(e) !== 'EEXIST') throw e; // (made meanwhile by another process: fine)
      }
    }
  } catch (e) {
    throw new Error(`${what} ${dir} cannot be created (${code(e)} at ${missing[made.length]}): ${fix}`);
  } finally {
    for (const m of made.reverse()) {
      try {
        fs.rmdirSync(m);
      } catch {
        // another process put something there meanwhile: it stays
      }
    }
  }
  return resolved;
}
