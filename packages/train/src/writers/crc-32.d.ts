/**
 * Typings for the `crc-32/crc32c.js` subpath of `crc-32` (1.2.x), which ships types only for its CRC-32 main
 * entry. The module is CommonJS; import it with a default import.
 */
declare module 'crc-32/crc32c.js' {
  const CRC32C: {
    /** The library version. */
    readonly version: string;
    /** The CRC-32C (Castagnoli) of bytes, as a signed 32-bit integer (`>>> 0` for unsigned). */
    buf(data: number[] | Uint8Array, seed?: number): number;
    /** The CRC-32C of a binary string (one byte per char), as a signed 32-bit integer. */
    bstr(data: string, seed?: number): number;
    /** The CRC-32C of a JS string's UTF-8 encoding, as a signed 32-bit integer. */
    str(data: string, seed?: number): number;
  };
  export = CRC32C;
}
