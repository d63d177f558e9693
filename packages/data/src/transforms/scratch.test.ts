import { describe, expect, it } from 'vitest';
import { giveBytes, takeBytes } from './scratch.js';

describe('takeBytes / giveBytes', () => {
  it('reuses a given-back buffer for the same size only, zeroed, spanning its whole buffer', () => {
    const a = takeBytes(1000);
    a.fill(7);
    giveBytes(a);
    const b = takeBytes(1000);
    expect(b.buffer).toBe(a.buffer);
    expect(b.every((v) => v === 0)).toBe(true);
    giveBytes(b);
    const c = takeBytes(900); // a smaller request gets its own buffer
    expect(c.buffer).not.toBe(a.buffer);
    expect(c.buffer.byteLength).toBe(900);
  });

  it('keeps no part of a larger buffer nor shared memory', () => {
    const big = new Uint8Array(4096);
    giveBytes(big.subarray(0, 100));
    expect(takeBytes(100).buffer).not.toBe(big.buffer);
    const shared = new Uint8Array(new SharedArrayBuffer(64));
    giveBytes(shared);
    expect(takeBytes(64).buffer).not.toBe(shared.buffer);
  });
});
