/**
 * PixPNet's native kernels on the wasm backend: `native/pixkern.c` compiled to wasm32 with SIMD, instantiated
 * against the tfjs backend's own heap, so the kernels read and write tensors in place (no copies). With a
 * threaded backend (a shared heap) the work is split between the calling thread and `threads - 1` helpers.
 *
 * Node only; `PIXPNET_NATIVE_KERNELS=0` turns them off (the tf-op kernels run instead).
 */
import { tf } from '../tf.js';
import type { TensorInfo } from '../tf.js';
import { log } from '../log.js';
import { KernelThreads } from './threads.js';

/** The module's exports (every argument is an i32: sizes, or byte offsets into the heap). */
export interface PixkernExports {
  filter_grad: (...args: number[]) => void;
  channel_sums: (...args: number[]) => void;
  channel_affine: (...args: number[]) => void;
  max_pool_grad: (...args: number[]) => void;
  filter_flip: (...args: number[]) => void;
  /** The SIMD ceiling loop of the benchmarks. */
  simd_peak: (iters: number) => number;
}

const EXPORTS: Array<keyof PixkernExports> = ['filter_grad', 'channel_sums', 'channel_affine', 'max_pool_grad', 'filter_flip', 'simd_peak'];

/** The tfjs wasm backend internals the kernels use. */
interface WasmBackendLike {
  wasm: { _malloc: (n: number) => number; _free: (p: number) => void; wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get: (id: object) => { memoryOffset: number } | undefined };
  makeOutput: (shape: number[], dtype: 'float32') => TensorInfo;
}

/** The native kernels, ready to run on the current wasm backend. */
export interface NativeKernels {
  /** Threads a call is split across (the calling thread included). */
  readonly threads: number;
  /** Byte offset of a float32 tensor's data in the heap. */
  offsetOf(t: TensorInfo): number;
  /** A new float32 tensor of `shape` (contents undefined), owned by the backend. */
  output(shape: number[]): TensorInfo;
  /** `n` bytes of scratch in the heap (give it back with {@link NativeKernels.free}). */
  malloc(n: number): number;
  /** Frees scratch from {@link NativeKernels.malloc}. */
  free(p: number): void;
  /** The heap as floats (a fresh view: the heap may have grown). */
  heapF32(): Float32Array;
  /** Runs one call per part, part 0 on this thread, the others on helpers (at most `threads` parts). */
  run(name: keyof PixkernExports, parts: number[][]): void;
}

let active: { backend: object; kernels: NativeKernels } | undefined;

/** Whether the environment turned the native kernels off. */
export function nativeDisabled(): boolean {
  return typeof process !== 'undefined' && process.env?.PIXPNET_NATIVE_KERNELS === '0';
}

/** Loads the kernel module for the current wasm backend; resolves to `undefined` where it cannot run. */
export async function startNativeKernels(threads: number): Promise<NativeKernels | undefined> {
  const backend = tf.backend() as unknown as WasmBackendLike;
  if (active?.backend === backend) return active.kernels;
  if (nativeDisabled() || typeof process === 'undefined' || !process.versions?.node) return undefined;
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) {
    log.debug('native kernels: the wasm backend does not expose its memory; using the tf-op kernels');
    return undefined;
  }
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const fs = await import('node:fs');
  const file = new URL(`../../native/${shared ? 'pixkern-mt' : 'pixkern'}.wasm`, import.meta.url);
  let module: WebAssembly.Module;
  let exports: PixkernExports;
  try {
    module = new WebAssembly.Module(fs.readFileSync(file));
    exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as PixkernExports;
  } catch (e) {
    log.warning(`native kernels: could not load ${file.pathname} (${(e as Error).message}); using the slower tf-op kernels`);
    return undefined;
  }
  const helpers = shared && threads > 1 ? await KernelThreads.start(module, memory, EXPORTS, threads - 1) : undefined;
  const kernels: NativeKernels = {
    threads: 1 + (helpers?.size ?? 0),
    offsetOf(t) {
      const d = backend.dataIdMap.get(t.dataId);
      if (!d) throw new Error('native kernels: a tensor is not on the wasm backend');
      return d.memoryOffset;
    },
    output: (shape) => backend.makeOutput(shape, 'float32'),
    malloc: (n) => backend.wasm._malloc(n) >>> 0, // above 2 GiB the i32 result is negative: as tfjs, read it unsigned
    free: (p) => backend.wasm._free(p),
    heapF32: () => new Float32Array(memory.buffer),
    run(name, parts) {
      if (parts.length > this.threads) throw new Error(`native kernels: ${parts.length} parts for ${this.threads} threads`);
      const fn = exports[name] as (...args: number[]) => unknown;
      if (helpers && parts.length > 1) helpers.run(name, parts, fn);
      else for (const p of parts) fn(...p);
    },
  };
  active = { backend, kernels };
  return kernels;
}

/** The native kernels when the current backend is the wasm backend they were started on, else `undefined`. */
export function nativeKernels(): NativeKernels | undefined {
  if (!active) return undefined;
  return tf.getBackend() === 'wasm' && tf.backend() === active.backend ? active.kernels : undefined;
}
