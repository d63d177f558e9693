/**
 * Reused byte buffers for the intermediate images of the pipeline (one free list per thread). A fresh 1 MB typed
 * array costs page faults on first touch, and many of them make V8 collect garbage for their external memory; the
 * pipeline's steps take their outputs here and give back the intermediates they alone hold, so a worker touches
 * the same few buffers image after image. A buffer is reused only for an array of exactly its size, so every
 * array handed out spans its whole buffer (`.buffer` is what it looks like).
 */

/** Free buffers, at most {@link KEEP}. */
const free: ArrayBuffer[] = [];
const KEEP = 8;

/** `n` zero bytes: a reused buffer of exactly `n` bytes when one is free, else a new one. */
export function takeBytes(n: number): Uint8Array {
  const i = free.findIndex((b) => b.byteLength === n);
  if (i < 0) return new Uint8Array(n);
  return new Uint8Array(free.splice(i, 1)[0]!).fill(0);
}

/**
 * Gives back an array from {@link takeBytes} that nothing else references any more: it may be handed out again.
 * Arrays that do not span their whole buffer (e.g. pooled Node buffers) and shared memory are not kept.
 */
export function giveBytes(a: Uint8Array): void {
  const b = a.buffer;
  if (!(b instanceof ArrayBuffer) || a.byteOffset !== 0 || a.byteLength !== b.byteLength || free.includes(b)) return;
  if (free.length >= KEEP) free.shift();
  free.push(b);
}
