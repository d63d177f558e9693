/** Versions of the tfjs packages the engine runs on. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The tfjs packages PixPNet uses or may pick up at run time. */
export const TFJS_PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
] as const;

/** The installed version of a package, or `undefined` when it is not installed. */
export function packageVersion(name: string, from: string = import.meta.url): string | undefined {
  const req = from === import.meta.url ? require : createRequire(from);
  try {
    return (req(`${name}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** `{package: version}` for each tfjs package that is installed. */
export function tfjsVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of TFJS_PACKAGES) {
    const v = packageVersion(name);
    if (v) out[name] = v;
  }
  return out;
}
