import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './init.js';
import { formatPeakMemory, peakMemory, wasmHeapBytes } from './memory.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('peak memory', () => {
  it('reports the peak RSS and the wasm heap, which only grows', () => {
    const heap = wasmHeapBytes()!;
    expect(heap).toBeGreaterThan(1 << 20);
    expect(heap % 65536).toBe(0); // whole wasm pages
    const m = peakMemory();
    expect(m.peakRssBytes).toBeGreaterThan(10 << 20);
    expect(m.wasmHeapBytes).toBe(heap);
    expect(formatPeakMemory({ peakRssBytes: 5, wasmHeapBytes: 7 })).toBe('memory: peak-rss-bytes=5 wasm-heap-bytes=7');
    expect(formatPeakMemory({ peakRssBytes: 5 })).toBe('memory: peak-rss-bytes=5');
  });
});
