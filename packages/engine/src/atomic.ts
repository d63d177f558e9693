/**
 * Atomic file writes, the one helper every package uses: a reader (or a resumed run) sees the old file or the new
 * one, never half of one — also when the disk fills up, where a short temporary file is removed and never renamed
 * over the good one. Temporary files are named after the writing process (`.name.tmp-PID`), so that the leftovers of
 * a killed process can be told from a live writer's and removed ({@link removeStaleTemps}) — which
 * `write-file-atomic`'s hashed temporary names do not allow; each folder written to is cleared of such leftovers
 * the first time this process writes there.
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

/** A write that failed because the file system is full (ENOSPC) or the user's quota is used up (EDQUOT). */
export class DiskFullError extends Error {
  /** `ENOSPC` or `EDQUOT`. */
  readonly code: string;
  /** The file that could not be written. */
  readonly file: string;
  /** Bytes that were not written (of {@link total}). */
  readonly missing: number;
  /** Bytes the file should have had. */
  readonly total: number;

  /** `kept` says what became of the file (by default: nothing was replaced). */
  constructor(code: string, file: string, missing: number, total: number, kept = 'Nothing was replaced: any previous version of the file is intact.') {
    const why = code === 'EDQUOT' ? 'the disk quota is used up (EDQUOT)' : 'no space is left on the device (ENOSPC)';
    super(`Could not write ${file}: ${why}; ${missing.toLocaleString('en-US')} of its ${total.toLocaleString('en-US')} bytes were not written. ` +
      `${kept} Free some space (df -h ${path.dirname(file)}) and run the command again.`);
    this.name = 'DiskFullError';
    this.code = code;
    this.file = file;
    this.missing = missing;
    this.total = total;
  }
}

const FULL = new Set(['ENOSPC', 'EDQUOT']);

/** Options of {@link writeAtomic} and {@link StagedFiles.write}. */
export interface WriteAtomicOptions {
  /**
   * Read the temporary file back and compare its size and every byte with the data before it replaces the file (for
   * files whose loss costs a lot, such as checkpoints).
   */
  verify?: boolean;
}

const TEMP = /^\..+\.tmp-(\d+)$/;
const started = Date.now() - process.uptime() * 1000;
const cleaned = new Set<string>();

/**
 * Removes the temporary files a killed {@link writeAtomic} left in `dir` (never the files themselves, never a live
 * process's temporary files). A temporary file with this process's PID is removed only when it is older than this
 * process (a previous process with the same PID, as after a container restart).
 */
export function removeStaleTemps(dir: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const f of names) {
    const m = TEMP.exec(f);
    if (!m) continue;
    const pid = Number(m[1]);
    const p = path.join(dir, f);
    try {
      if (pid === process.pid ? fs.lstatSync(p).mtimeMs < started : !pidAlive(pid)) fs.rmSync(p, { force: true, recursive: true });
    } catch {
      // gone meanwhile
    }
  }
}

/** Removes stale temporary files from `dir` once per process (the first write there). */
function cleanOnce(dir: string): void {
  if (cleaned.has(dir)) return;
  cleaned.add(dir);
  removeStaleTemps(dir);
}

const tempOf = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);

/** Writes every byte of `bytes` to a new temporary file beside `file`, fsynced; returns its path. */
function writeTemp(file: string, bytes: Uint8Array, o: WriteAtomicOptions): string {
  const dir = path.dirname(file);
  let written = 0;
  const tmp = tempOf(file);
  try {
    fs.mkdirSync(dir, { recursive: true });
    cleanOnce(dir);
    const fd = fs.openSync(tmp, 'w');
    try {
      while (written < bytes.length) {
        const n = fs.writeSync(fd, bytes, written, bytes.length - written);
        if (n <= 0) throw Object.assign(new Error('write returned 0'), { code: 'ENOSPC' });
        written += n;
      }
      fs.fsyncSync(fd);
      if (fs.fstatSync(fd).size !== bytes.length) throw new Error(`${tmp} has ${fs.fstatSync(fd).size} bytes after writing ${bytes.length}`);
    } finally {
      fs.closeSync(fd);
    }
    if (o.verify) {
      const back = fs.readFileSync(tmp);
      if (back.length !== bytes.length || Buffer.compare(back, bytes) !== 0) {
        throw new Error(`Could not write ${file}: reading it back gave other bytes (${back.length} bytes, ${bytes.length} written). Nothing was replaced; check the disk.`);
      }
    }
    return tmp;
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code && FULL.has(code)) throw new DiskFullError(code, file, bytes.length - written, bytes.length);
    throw e;
  }
}

const asBytes = (data: Uint8Array | string) => (typeof data === 'string' ? Buffer.from(data) : data);

/** Makes renames in `dirs` durable (best effort: some file systems refuse to fsync a folder). */
function syncDirs(dirs: Iterable<string>): void {
  for (const d of dirs) {
    try {
      const fd = fs.openSync(d, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // not supported here
    }
  }
}

/**
 * Writes `data` to `file` atomically: a temporary file beside it receives every byte and is fsynced, then renamed
 * over `file`. A full disk ({@link DiskFullError}) or any other failure removes the temporary file and leaves the
 * previous `file` as it was.
 */
export function writeAtomic(file: string, data: Uint8Array | string, options: WriteAtomicOptions = {}): void {
  const tmp = writeTemp(file, asBytes(data), options);
  fs.renameSync(tmp, file);
  syncDirs([path.dirname(file)]);
}

/** Options of {@link StagedFiles}. */
export interface StagedFilesOptions {
  /** A folder the files must stay in once symbolic links are followed. */
  within?: string;
}

/** Removes `dir` and the folders below it when none holds a file. */
function removeEmptyTree(dir: string): boolean {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  let empty = true;
  for (const e of entries) empty = (e.isDirectory() && removeEmptyTree(path.join(dir, e.name))) && empty;
  if (!empty) return false;
  try {
    fs.rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/** Throws unless `file`'s folder (made if missing) is inside `root` once symbolic links are followed. */
function checkWithin(file: string, root: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const real = fs.realpathSync(dir), realRoot = fs.realpathSync(root);
  const rel = path.relative(realRoot, real);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`${dir} leads out of ${root} (to ${real}, through a symbolic link): ${file} is not written there. Remove the link, and run the command again.`);
  }
}

/**
 * A set of files written together: each {@link write} puts the whole file in a temporary file beside its target,
 * and only {@link commit} renames them into place, once every byte of every file is on disk. A failure before the
 * commit (a full disk, bad data, an exception of the caller) leaves every previous file as it was; {@link discard}
 * removes the temporary files. Use it where a command writes several files that belong together (a report, an
 * export, an evaluation's results).
 */
export class StagedFiles {
  private readonly staged = new Map<string, string>(); // target → temporary file
  private readonly made: string[] = []; // folders made for staged files (removed again when empty on discard)

  /**
   * @param options - `within`: a folder every file must stay in once symbolic links are followed (a folder of a run
   *   directory, which may come from elsewhere: a link below it never sends a file outside it).
   */
  constructor(private readonly options: StagedFilesOptions = {}) {}

  /** Stages `data` for `file` (a second write of the same file replaces the first). */
  write(file: string, data: Uint8Array | string, options: WriteAtomicOptions = {}): void {
    const target = path.resolve(file);
    const made = fs.mkdirSync(path.dirname(target), { recursive: true });
    if (made) this.made.push(made);
    if (this.options.within) checkWithin(target, this.options.within);
    const previous = this.staged.get(target);
    if (previous) {
      fs.rmSync(previous, { force: true });
      this.staged.delete(target);
    }
    this.staged.set(target, writeTemp(target, asBytes(data), options));
  }

  /** The files staged so far. */
  get files(): string[] {
    return [...this.staged.keys()];
  }

  /** Renames every staged file into place. */
  commit(): void {
    const dirs = new Set<string>();
    for (const [target, tmp] of this.staged) {
      fs.renameSync(tmp, target);
      this.staged.delete(target);
      dirs.add(path.dirname(target));
    }
    this.made.length = 0;
    syncDirs(dirs);
  }

  /** Removes the staged temporary files, and the folders made for them that stay empty (the targets are untouched). */
  discard(): void {
    for (const tmp of this.staged.values()) fs.rmSync(tmp, { force: true });
    this.staged.clear();
    for (const dir of this.made.reverse()) removeEmptyTree(dir);
    this.made.length = 0;
  }
}

/**
 * Runs `fn` with a {@link StagedFiles} and commits it when `fn` succeeds; when `fn` throws, nothing staged replaces
 * anything and the error is passed on.
 */
export async function withStagedFiles<T>(fn: (staged: StagedFiles) => Promise<T> | T, options: StagedFilesOptions = {}): Promise<T> {
  const staged = new StagedFiles(options);
  try {
    const out = await fn(staged);
    staged.commit();
    return out;
  } finally {
    staged.discard();
  }
}

/**
 * Appends `data` whole to `file` (a path, or a descriptor opened for appending, with `file` its path for messages):
 * every byte, or — when the disk is full or any write fails — none, the file cut back to its previous length so
 * that it never ends in half a record. A full disk is a {@link DiskFullError}.
 */
export function appendWhole(file: string, data: Uint8Array | string, fd?: number): void {
  const bytes = asBytes(data);
  const own = fd === undefined;
  const handle = fd ?? fs.openSync(file, 'a');
  let size = -1;
  let written = 0;
  try {
    size = fs.fstatSync(handle).size;
    while (written < bytes.length) {
      const n = fs.writeSync(handle, bytes, written, bytes.length - written);
      if (n <= 0) throw Object.assign(new Error('write returned 0'), { code: 'ENOSPC' });
      written += n;
    }
  } catch (e) {
    if (size >= 0 && written > 0) {
      try {
        fs.ftruncateSync(handle, size);
      } catch {
        // the error below says what failed
      }
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code && FULL.has(code)) throw new DiskFullError(code, file, bytes.length - written, bytes.length, 'The file keeps what it had before this append.');
    throw e;
  } finally {
    if (own) fs.closeSync(handle);
  }
}

/**
 * Writes several files atomically together (a {@link StagedFiles} committed at once): each `[file, data]` is
 * written whole before any of them replaces a previous file.
 */
export function writeAllAtomic(files: ReadonlyArray<readonly [string, Uint8Array | string]>): void {
  const staged = new StagedFiles();
  try {
    for (const [file, data] of files) staged.write(file, data);
    staged.commit();
  } finally {
    staged.discard();
  }
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
