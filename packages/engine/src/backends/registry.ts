/** The backends PixPNet knows, in the order `auto` tries them. */
import { cpuProvider } from './cpu.js';
import { tensorflowGpuProvider, tensorflowProvider } from './tfjs_node.js';
import { wasmProvider } from './wasm.js';
import type { BackendName, BackendProvider } from './types.js';

/** Providers, fastest first: `auto` takes the first that activates. */
export const BACKEND_PROVIDERS: readonly BackendProvider[] = [tensorflowGpuProvider, tensorflowProvider, wasmProvider, cpuProvider];

/** The provider for a backend name. */
export function getProvider(name: BackendName): BackendProvider {
  const p = BACKEND_PROVIDERS.find((b) => b.name === name);
  if (!p) throw new Error(`Unknown backend '${name}'.`);
  return p;
}
