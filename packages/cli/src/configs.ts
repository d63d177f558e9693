/** The stock configurations shipped inside the package (`dist/configs/`, copied from the repository's `configs/`). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the shipped configs are. */
export const CONFIGS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'configs', 'protonets');

/** The built-in config names, e.g. `proto-synthparts`. */
export function builtinConfigs(): string[] {
  return fs.existsSync(CONFIGS_DIR) ? fs.readdirSync(CONFIGS_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort() : [];
}

/** A `-c` argument as a file: an existing path, else a built-in name (`proto-synthparts`); otherwise an error listing the names. */
export function resolveConfigFile(arg: string): string {
  if (fs.existsSync(arg)) return arg;
  const name = arg.replace(/\.ya?ml$/, '');
  const builtin = path.join(CONFIGS_DIR, `${name}.yaml`);
  if (/^[\w.-]+$/.test(name) && fs.existsSync(builtin)) return builtin;
  throw new Error(`Config ${arg} is neither a file nor a built-in config: give a YAML file or one of ${builtinConfigs().join(', ')}.`);
}
