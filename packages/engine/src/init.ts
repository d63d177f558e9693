/**
 * Choosing and starting the tfjs backend.
 */
import os from 'node:os';
import { tf } from './tf.js';
import { log } from './log.js';
import { registerGradients } from './gradients/registry.js';
import { BACKEND_PROVIDERS, getProvider } from './backends/registry.js';
import { BackendUnavailableError } from './backends/types.js';
import type { BackendChoice, BackendName } from './backends/types.js';

/** The choices accepted by `--backend` and `PIXPNET_BACKEND`. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** The backend; default `PIXPNET_BACKEND`, else `auto` (tfjs-node-gpu, tfjs-node, wasm, cpu: the first that loads). */
  backend?: BackendChoice;
  /** Threads for wasm; default `PIXPNET_THREADS`, else the number of CPU cores (at most 8). */
  threads?: number;
}

/** The engine in use, as {@link initBackend} reports it. */
export interface EngineInfo {
  /** The backend running. */
  backend: BackendName;
  /** What was asked for. */
  requested: BackendChoice;
  /** SIMD on (wasm), off (cpu), or `null` for native TensorFlow. */
  simd: boolean | null;
  /** Threads computing (0: chosen by native TensorFlow). */
  threads: number;
  /** Kernels PixPNet registered on the backend. */
  kernels: string[];
  /** Backends `auto` tried before this one, with why each was skipped and how to get it. */
  skipped: Array<{ backend: BackendName; reason: string; hint: string }>;
}

/** Parses a backend name (from a flag or the environment), with an error listing the choices. */
export function parseBackendChoice(value: string, source = '--backend'): BackendChoice {
  const v = value.trim().toLowerCase();
  if ((BACKEND_CHOICES as readonly string[]).includes(v)) return v as BackendChoice;
  throw new Error(`${source}: unknown backend '${value}'. Use one of: ${BACKEND_CHOICES.join(', ')}.`);
}

function parseThreads(value: string, source: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${source}: threads must be a whole number ≥ 1, got '${value}'.`);
  return n;
}

let current: EngineInfo | undefined;
let pending: Promise<EngineInfo> | undefined;

/** The engine in use, or `undefined` before {@link initBackend}. */
export function engineInfo(): EngineInfo | undefined {
  return current;
}

/**
 * Chooses, loads and starts the tfjs backend, registers PixPNet's kernels and gradients on it, and logs the
 * choice once. Safe to call again: the same request returns the running engine.
 * @throws BackendUnavailableError when an explicitly requested backend cannot be loaded (with the fix).
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<EngineInfo> {
  const env = process.env;
  const requested = options.backend ?? (env['PIXPNET_BACKEND'] ? parseBackendChoice(env['PIXPNET_BACKEND'], 'PIXPNET_BACKEND') : 'auto');
  const threads = options.threads ?? (env['PIXPNET_THREADS'] ? parseThreads(env['PIXPNET_THREADS'], 'PIXPNET_THREADS') : Math.min(os.cpus().length, 8));
  if (current && (current.requested === requested || current.backend === requested) && tf.getBackend() === getProvider(current.backend).tfName) {
    return current;
  }
  while (pending) await pending.catch(() => undefined);
  pending = start(requested, threads);
  try {
    return await pending;
  } finally {
    pending = undefined;
  }
}

async function start(requested: BackendChoice, threads: number): Promise<EngineInfo> {
  if (!tf.env().getBool('DEBUG')) tf.env().set('PROD', true); // silences tfjs's console advice; we log our own
  registerGradients();
  const candidates = requested === 'auto' ? BACKEND_PROVIDERS : [getProvider(requested)];
  const skipped: EngineInfo['skipped'] = [];
  for (const provider of candidates) {
    try {
      const active = await provider.activate({ threads });
      const info: EngineInfo = { backend: provider.name, requested, ...active, skipped };
      const firstTime = current?.backend !== info.backend;
      current = info;
      if (firstTime) log.info(`Backend ${describe(info)}`);
      for (const s of skipped) log.debug(`Backend '${s.backend}' skipped: ${s.reason}. ${s.hint}`);
      return info;
    } catch (e) {
      if (requested !== 'auto' || !(e instanceof BackendUnavailableError)) throw e;
      skipped.push({ backend: provider.name, reason: e.reason, hint: e.hint });
    }
  }
  throw new Error(`No tfjs backend could be started: ${skipped.map((s) => s.reason).join('; ')}`);
}

/** A one-line description: `wasm (SIMD on, 2 threads)`. */
export function describe(info: EngineInfo): string {
  const parts: string[] = [];
  if (info.simd !== null) parts.push(`SIMD ${info.simd ? 'on' : 'off'}`);
  if (info.threads > 0) parts.push(`${info.threads} thread${info.threads === 1 ? '' : 's'}`);
  if (info.backend === 'cpu') parts.push('slow: install @tensorflow/tfjs-node or use wasm');
  return parts.length ? `${info.backend} (${parts.join(', ')})` : info.backend;
}
