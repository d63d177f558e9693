/** The stock configurations shipped inside the package (`dist/configs/`, copied from the repository's `configs/`). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { log } from '@pixpnet/engine';

/** Where the shipped configs are: `protonets/` for `pixpnet train`, `sweeps/` for `pixpnet sweep`, `experiments/` for `pixpnet experiment`. */
export const CONFIGS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'configs');
export const CONFIGS_DIR = path.join(CONFIGS_ROOT, 'protonets');

/** The built-in config names of a kind, e.g. `proto-synthparts`. */
export function builtinConfigs(kind: 'protonets' | 'sweeps' | 'experiments' = 'protonets'): string[] {
  const dir = path.join(CONFIGS_ROOT, kind);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort() : [];
}

/**
 * In a checkout, `configs/` in the working directory may have been edited since the build copied it into the package:
 * when `file` is a built-in copy that differs from its original there, a warning says which one runs and how to run
 * the other.
 */
export function warnIfEdited(file: string, cwd = process.cwd(), root = CONFIGS_ROOT): void {
  const rel = path.relative(root, path.resolve(file));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return; // not a built-in copy
  const local = path.join(cwd, 'configs', rel);
  try {
    if (fs.existsSync(local) && fs.readFileSync(local, 'utf8') !== fs.readFileSync(file, 'utf8')) {
      log.warning(`${path.relative(cwd, local)} differs from its built-in copy ${file}, which is the one used: give the file's path to use yours (e.g. -c configs/…), or rebuild (npm run build).`);
    }
  } catch {
    // unreadable: the command's own reading reports it
  }
}

/** A `-c` argument as a file: an existing path, else a built-in name (`proto-synthparts`); otherwise an error listing the names. */
export function resolveConfigFile(arg: string, kind: 'protonets' | 'sweeps' | 'experiments' = 'protonets'): string {
  if (fs.existsSync(arg)) return arg;
  const name = arg.replace(/\.ya?ml$/, '');
  const builtin = path.join(CONFIGS_ROOT, kind, `${name}.yaml`);
  if (/^[\w.-]+$/.test(name) && fs.existsSync(builtin)) {
    warnIfEdited(builtin);
    return builtin;
  }
  throw new Error(`Config ${arg} is neither a file nor a built-in config: give a YAML file or one of ${builtinConfigs(kind).join(', ')}.`);
}
