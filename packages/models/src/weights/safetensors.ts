/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length, a
 * JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {...}}`, then the raw data.
 * Reads F32, F16 and BF16 (converted to float32); writes F32. No Node built-ins: it runs in browsers too.
 */
import type { StateDict } from '../state_dict.js';

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };
/** Every dtype of the format, with its element size (the ones beyond {@link BYTES} are recognised, not read). */
const DTYPES: Record<string, number> = {
  ...BYTES, F64: 8, I64: 8, U64: 8, I32: 4, U32: 4, I16: 2, U16: 2, I8: 1, U8: 1, BOOL: 1, F8_E4M3: 1, F8_E5M2: 1,
};
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Half-precision bits to a float. */
function f16(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Parses a safetensors file into a float32 state dict; `name` appears in errors. */
export function readSafetensors(bytes: Uint8Array, name = 'the safetensors file'): { tensors: StateDict; metadata: Record<string, string> } {
  const fail = (why: string): never => {
    throw new Error(`${name} is not a valid safetensors file: ${why}.`);
  };
  if (bytes.length < 8) fail(`it has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.length - 8 || headerLen > 100_000_000) fail(`its header length ${headerLen} exceeds the file (${bytes.length} bytes)`);
  let header: Record<string, HeaderEntry | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as typeof header;
  } catch (e) {
    return fail(`its header is not JSON (${(e as Error).message})`);
  }
  const data = bytes.subarray(8 + headerLen);
  if (header === null || typeof header !== 'object' || Array.isArray(header)) return fail('its header is not a JSON object');
  const meta = header['__metadata__'];
  if (meta !== undefined && (meta === null || typeof meta !== 'object' || Array.isArray(meta) || Object.values(meta).some((v) => typeof v !== 'string'))) {
    fail('its __metadata__ is not a map of strings to strings');
  }
  // every entry checked before any is read: dtype, shape, and offsets that tile the data without overlap
  const entries: Array<[string, HeaderEntry]> = [];
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    const e = value as Partial<HeaderEntry> | null;
    if (e === null || typeof e !== 'object' || Array.isArray(e)) fail(`tensor '${key}' is not an object`);
    const { dtype, shape, data_offsets: offs } = e as Partial<HeaderEntry>;
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPES, dtype)) fail(`tensor '${key}' has an unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor '${key}' has the shape ${JSON.stringify(shape)}; a shape is a list of whole numbers ≥ 0`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isCount) || offs[0]! > offs[1]! || offs[1]! > data.length) {
      fail(`tensor '${key}' has offsets ${JSON.stringify(offs)} that are not [begin, end] with 0 ≤ begin ≤ end ≤ ${data.length} (the data bytes)`);
    }
    const n = shape!.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(n) || offs![1]! - offs![0]! !== n * DTYPES[dtype!]!) {
      fail(`tensor '${key}' has offsets [${offs![0]}, ${offs![1]}) that do not hold ${n} ${dtype} values`);
    }
    entries.push([key, { dtype: dtype!, shape: shape!, data_offsets: [offs![0]!, offs![1]!] }]);
  }
  const spans = entries.map(([k, e]) => [e.data_offsets[0], e.data_offsets[1], k] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] < spans[i - 1]![1]) fail(`tensors '${spans[i - 1]![2]}' and '${spans[i]![2]}' overlap in the data`);
  }
  const tensors: StateDict = new Map();
  const unsupported: string[] = [];
  for (const [key, e] of entries) {
    if (!Object.hasOwn(BYTES, e.dtype)) {
      unsupported.push(`${key} (${e.dtype})`);
      continue;
    }
    const n = e.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = e.data_offsets;
    const dv = new DataView(data.buffer, data.byteOffset + begin, end - begin);
    const out = new Float32Array(n);
    if (e.dtype === 'F32') for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
    else if (e.dtype === 'F16') for (let i = 0; i < n; i++) out[i] = f16(dv.getUint16(i * 2, true));
    else for (let i = 0; i < n; i++) out[i] = new Float32Array(new Uint32Array([dv.getUint16(i * 2, true) << 16]).buffer)[0]!;
    tensors.set(key, { shape: e.shape, data: out });
  }
  // integer buffers (num_batches_tracked) carry no weights; other dtypes are an error
  const real = unsupported.filter((u) => !/num_batches_tracked/.test(u));
  if (real.length) throw new Error(`${name}: unsupported dtypes (F32, F16 and BF16 are read): ${real.join(', ')}.`);
  return { tensors, metadata: (header['__metadata__'] as Record<string, string>) ?? {} };
}

/** Writes a float32 state dict as safetensors (keys in the dict's order, 8-byte aligned header). */
export function writeSafetensors(dict: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = Object.keys(metadata).length ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [key, e] of dict) {
    header[key] = { dtype: 'F32', shape: e.shape, data_offsets: [offset, offset + e.data.length * 4] };
    offset += e.data.length * 4;
  }
  const raw = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(raw.length + ((8 - (raw.length % 8)) % 8)).fill(0x20); // padded with spaces (byte length)
  head.set(raw);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const e of dict.values()) {
    const dv = new DataView(out.buffer, at, e.data.length * 4);
    for (let i = 0; i < e.data.length; i++) dv.setFloat32(i * 4, e.data[i]!, true);
    at += e.data.length * 4;
  }
  return out;
}
