/** The stock configurations shipped inside the package (`dist/configs/`, copied from the repository's `configs/`). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the shipped configs are: `protonets/` for `pixpnet train`, `sweeps/` for `pixpnet sweep`, `experiments/` for `pixpnet experiment`. */
export const CONFIGS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'configs');
export const CONFIGS_DIR = path.join(CONFIGS_ROOT, 'protonets');

/** The built-in config names of a kind, e.g. `proto-synthparts`. */
export function builtinConfigs(kind: 'protonets' | 'sweeps' | 'experiments' = 'protonets'): string[] {
  const dir = path.join(CONFIGS_ROOT, kind);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort() : [];
}

/** A `-c` argument as a file: an existing path, else a built-in name (`proto-synthparts`); otherwise an error listing the names. */
export function resolveConfigFile(arg: string, kind: 'protonets' | 'sweeps' | 'experiments' = 'protonets'): string {
  if (fs.existsSync(arg)) return arg;
  const name = arg.replace(/\.ya?ml$/, '');
  const builtin = path.join(CONFIGS_ROOT, kind, `${name}.yaml`);
  if (/^[\w.-]+$/.test(name) && fs.existsSync(builtin)) return builtin;
  throw new Error(`Config ${arg} is neither a file nor a built-in config: give a YAML file or one of ${builtinConfigs(kind).join(', ')}.`);
}
