/** Versions of the PixPNet packages and of what they run on. */
import { createRequire } from 'node:module';
import { tfjsVersions } from '@pixpnet/engine';

const require = createRequire(import.meta.url);

/** The PixPNet packages, in dependency order. */
export const PIXPNET_PACKAGES = [
  '@pixpnet/symbolic', '@pixpnet/engine', '@pixpnet/data', '@pixpnet/models',
  '@pixpnet/train', '@pixpnet/prp', '@pixpnet/eval', '@pixpnet/cli',
] as const;

/** This command's own version. */
export function cliVersion(): string {
  return (require('../package.json') as { version: string }).version;
}

/** `{package: version}` for every PixPNet and tfjs package installed. */
export function allVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PIXPNET_PACKAGES) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      // not installed next to the CLI: leave it out
    }
  }
  return { ...out, ...tfjsVersions() };
}
