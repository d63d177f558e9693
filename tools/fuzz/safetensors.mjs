/** Fuzzing `readSafetensors` (@pixpnet/models): round trips of random state dicts, and damaged files. */
import { readSafetensors, writeSafetensors } from '@pixpnet/models';
import { isMain, judge, main } from './harness.mjs';

export const name = 'safetensors';
const FILE = 'fuzz.safetensors';

/** A result is valid when every tensor holds as many values as its shape says. */
function valid(r) {
  for (const [k, t] of r.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || t.data.length !== n) return `tensor ${k}: shape [${t.shape}] with ${t.data.length} values`;
  }
  if (Object.values(r.metadata).some((v) => typeof v !== 'string')) return 'metadata holds a non-string';
  return '';
}

const encode = (header, data) => {
  const raw = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + raw.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(raw.length), true);
  out.set(raw, 8);
  out.set(data, 8 + raw.length);
  return out;
};

export function property(fc) {
  const dims = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 });
  const dict = fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__metadata__'), dims), { selector: ([k]) => k, maxLength: 4 })
    .map((entries) => new Map(entries.map(([k, shape]) => [k, { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * 0.5 - 1) }])));
  const metadata = fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 });
  const valid0 = fc.tuple(dict, metadata).map(([d, m]) => ({ kind: 'roundtrip', dict: d, bytes: writeSafetensors(d, m) }));
  // damaged: flipped bytes, truncation, or a header replaced by random JSON (with plausible entry fields)
  const flips = fc.tuple(valid0, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }))
    .map(([v, fl]) => { const b = v.bytes.slice(); for (const [i, x] of fl) b[i % b.length] = x; return { kind: 'damaged', bytes: b }; });
  const cut = fc.tuple(valid0, fc.nat()).map(([v, n]) => ({ kind: 'damaged', bytes: v.bytes.subarray(0, n % (v.bytes.length + 1)) }));
  const num = fc.oneof(fc.integer({ min: -5, max: 40 }), fc.double(), fc.constantFrom(2 ** 53, -0, 1e300, 0.5), fc.string({ maxLength: 3 }), fc.constant(null), fc.boolean());
  const entry = fc.record({ dtype: fc.oneof(fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'F64', 'X'), fc.anything()), shape: fc.oneof(fc.array(num, { maxLength: 3 }), fc.anything()),
    data_offsets: fc.oneof(fc.tuple(num, num), fc.array(num, { maxLength: 3 }), fc.anything()) }, { requiredKeys: [] });
  const header = fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(entry, fc.anything()), { maxKeys: 4 }), fc.jsonValue(), fc.string({ maxLength: 20 }),
    fc.record({ __metadata__: fc.anything(), a: entry }));
  const random = fc.tuple(header, fc.uint8Array({ maxLength: 64 })).map(([h, d]) => ({ kind: 'damaged', bytes: encode(h, d) }));
  const bytes = fc.uint8Array({ maxLength: 40 }).map((b) => ({ kind: 'damaged', bytes: b }));
  return fc.asyncProperty(fc.oneof(valid0, flips, cut, random, bytes), (input) => judge(() => readSafetensors(input.bytes, FILE), {
    names: FILE,
    valid: (r) => {
      const why = valid(r);
      if (why || input.kind !== 'roundtrip') return why;
      for (const [k, t] of input.dict) {
        const got = r.tensors.get(k);
        if (!got || got.data.length !== t.data.length || got.data.some((v, i) => v !== t.data[i])) return `round trip changed tensor ${k}`;
      }
      return r.tensors.size === input.dict.size ? '' : 'round trip changed the tensors';
    },
  }));
}

if (isMain(import.meta.url)) await main({ name, property });
