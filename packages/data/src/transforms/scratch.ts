/**
 * Reused byte buffers for the intermediate images of the pipeline (one free list per thread). A fresh 1 MB typed
 * array costs page faults on first touch, and many of them make V8 collect garbage for their external memory
 * (≈ 2 ms per training image before this); the pipeline's steps take their outputs here and give back the
 * intermediates they alone hold, so a worker touches the same few buffers image after image.
 */

/** Free buffers, at most {@link KEEP}. */
const free: ArrayBuffer[] = [];
const KEEP = 8;

/** `n` zero bytes: a view of a reused buffer when one is free and large enough (at most twice `n`), else new. */
export function takeBytes(n: number): Uint8Array {
  let best = -1;
  for (let i = 0; i < free.length; i++) {
    const b = free[i]!.byteLength;
    if (b >= n && b <= 2 * n && (best < 0 || b < free[best]!.byteLength)) best = i;
  }
  if (best < 0) return new Uint8Array(n);
  const buf = free.splice(best, 1)[0]!;
  return new Uint8Array(buf, 0, n).fill(0);
}

/**
 * Gives back an intermediate from {@link takeBytes} (or any array that nothing else references): it may be
 * handed out again. Views into a larger buffer at an offset and shared memory are not kept.
 */
export function giveBytes(a: Uint8Array): void {
  if (a.byteOffset !== 0 || !(a.buffer instanceof ArrayBuffer) || free.includes(a.buffer)) return;
  if (free.length >= KEEP) free.shift();
  free.push(a.buffer);
}
