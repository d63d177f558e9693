/**
 * Image paths that a dataset's list (CUB's `images.txt`, Stanford Cars' annotations) gives relative to a folder of
 * the dataset: they stay inside the dataset folder unless the user allows otherwise.
 */
import path from 'node:path';
import { DatasetError } from './read_table.js';

/** Options of {@link listedPath}. */
export interface ListedPathOptions {
  /** Read entries that lie outside the dataset folder (`../`, absolute paths) as they are (default false: refused). */
  allowOutsideRoot?: boolean;
}

/** The fix named when an entry leaves the dataset folder. */
export const OUTSIDE_ROOT_FIX = "list the image by its path inside the dataset folder, or, if you keep images elsewhere on purpose, allow it: " +
  "--dataset.allow-outside-root (pixpnet train; 'dataset: {allow-outside-root: true}' in its config file and in a run's results/config.yaml), " +
  '--dataset-allow-outside-root (pixpnet sweep) or the option allowOutsideRoot of openDataset';

/**
 * The path of the image listed as `entry` relative to `base` (a folder inside `datasetDir`). An absolute entry or one
 * that leaves `datasetDir` once `..` is resolved (compared as written: a symbolic link inside the dataset folder
 * that points elsewhere is the user's own choice and is followed) is a {@link DatasetError} naming `where` (the file
 * and line) unless `allowOutsideRoot`; with it, an absolute entry is read where it says.
 */
export function listedPath(datasetDir: string, base: string, entry: string, where: string, options: ListedPathOptions = {}): string {
  const abs = path.isAbsolute(entry);
  const joined = abs ? path.normalize(entry) : path.join(base, entry);
  const rel = path.relative(path.resolve(datasetDir), path.resolve(joined));
  const outside = abs || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  if (outside && !options.allowOutsideRoot) {
    throw new DatasetError(`${where}: the image '${entry}' is ${abs ? 'an absolute path' : 'outside the dataset folder'} ` +
      `(${path.resolve(joined)} is not in ${path.resolve(datasetDir)}): ${OUTSIDE_ROOT_FIX}.`);
  }
  return joined;
}
