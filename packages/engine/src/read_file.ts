/**
 * Reading a file that may not be what it claims (a run directory's files are untrusted input): only a regular file
 * is read — a FIFO, a device such as `/dev/zero`, a socket or a folder is refused before a byte is read, without
 * blocking (it is opened non-blocking) — and only up to a size bound suited to its kind.
 */
import fs from 'node:fs';

/** Whether anything is at `file` — a link to nothing counts (a reader then refuses it, naming it). */
export function pathPresent(file: string): boolean {
  return fs.lstatSync(file, { throwIfNoEntry: false }) !== undefined;
}

/** Options of {@link readBoundedFile}. */
export interface ReadBoundedOptions {
  /** The most bytes the file may have. */
  maxBytes: number;
  /** What the file is, for messages (e.g. "a run's configuration"). */
  what: string;
  /** What to do about a bad file (end of the message). */
  fix?: string;
}

const MB = 1024 * 1024;
const size = (n: number) => (n >= MB ? `${(n / MB).toFixed(n >= 10 * MB ? 0 : 1)} MiB` : `${n.toLocaleString('en-US')} bytes`);

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads `file` whole, if it is a regular file of at most `maxBytes` bytes (symbolic links are followed to what they
 * name); anything else is an error naming the file, what it is, and `fix`. A missing file is Node's ENOENT error.
 */
export function readBoundedFile(file: string, o: ReadBoundedOptions): Buffer {
  const fix = o.fix ? ` ${o.fix.charAt(0).toUpperCase()}${o.fix.slice(1)}` : '';
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new Error(`${file} should be ${o.what}, but it is a folder.${fix}`);
    throw e;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(`${file} should be ${o.what}, but it is ${kindOf(st)}: it is not read.${fix}`);
    if (st.size > o.maxBytes) throw new Error(`${file} should be ${o.what} of at most ${size(o.maxBytes)}, but it has ${size(st.size)}: it is not read.${fix}`);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break; // cut short meanwhile
      got += n;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/** {@link readBoundedFile} as UTF-8 text. */
export function readBoundedText(file: string, o: ReadBoundedOptions): string {
  return readBoundedFile(file, o).toString('utf8');
}
