/** Peak memory of this process: the resident set's high-water mark and the wasm backend's heap. */
import { tf } from './tf.js';

/** The heap of the wasm backend in bytes: its high-water mark, as a WebAssembly memory only grows (undefined on other backends). */
export function wasmHeapBytes(): number | undefined {
  try {
    const wasm = (tf.findBackend('wasm') as unknown as { wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } } } | null)?.wasm;
    const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
    return memory instanceof WebAssembly.Memory ? memory.buffer.byteLength : undefined;
  } catch {
    return undefined;
  }
}

/** What {@link peakMemory} returns. */
export interface PeakMemory {
  /** The process's peak resident set size (`maxRSS`; undefined outside Node.js). */
  peakRssBytes?: number;
  /** The wasm heap's high-water mark, when the wasm backend ran. */
  wasmHeapBytes?: number;
}

/** The process's peak RSS so far and the wasm heap's high-water mark. */
export function peakMemory(): PeakMemory {
  const heap = wasmHeapBytes();
  const usage = typeof process !== 'undefined' && typeof process.resourceUsage === 'function' ? process.resourceUsage() : undefined;
  return { ...(usage ? { peakRssBytes: usage.maxRSS * 1024 } : {}), ...(heap !== undefined ? { wasmHeapBytes: heap } : {}) };
}

/** `memory: peak-rss-bytes=N wasm-heap-bytes=M` (the line `PIXPNET_REPORT_MEMORY=1` makes the CLI print at exit; benchmarks parse it). */
export function formatPeakMemory(m: PeakMemory = peakMemory()): string {
  return `memory:${m.peakRssBytes !== undefined ? ` peak-rss-bytes=${m.peakRssBytes}` : ''}${m.wasmHeapBytes !== undefined ? ` wasm-heap-bytes=${m.wasmHeapBytes}` : ''}`;
}
