import { describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import { timmToTorchvision, isTimmStateDict } from './timm.js';
import type { StateDict } from '../state_dict.js';

describe('safetensors', () => {
  const dict: StateDict = new Map([
    ['features.0.weight', { shape: [2, 1, 3, 3], data: Float32Array.from({ length: 18 }, (_, i) => i / 7 - 1) }],
    ['features.0.bias', { shape: [2], data: Float32Array.from([0.5, -0.25]) }],
  ]);

  it('round-trips a state dict with metadata', () => {
    const bytes = writeSafetensors(dict, { format: 'pt' });
    const { tensors, metadata } = readSafetensors(bytes);
    expect(metadata).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual([...dict.keys()]);
    for (const [k, e] of dict) {
      expect(tensors.get(k)!.shape).toEqual(e.shape);
      expect(Array.from(tensors.get(k)!.data)).toEqual(Array.from(e.data));
    }
  });

  it('reads F16 and BF16 tensors', () => {
    const header = JSON.stringify({ h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] }, b: { dtype: 'BF16', shape: [2], data_offsets: [6, 10] } });
    const head = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + head.length + 10);
    const v = new DataView(bytes.buffer);
    v.setBigUint64(0, BigInt(head.length), true);
    bytes.set(head, 8);
    const d = 8 + head.length;
    [0x3c00, 0xc000, 0x3555].forEach((x, i) => v.setUint16(d + i * 2, x, true)); // 1, -2, ~0.333
    [0x3f80, 0xc0a0].forEach((x, i) => v.setUint16(d + 6 + i * 2, x, true)); // 1, -5
    const { tensors } = readSafetensors(bytes);
    expect(Array.from(tensors.get('h')!.data)).toEqual([1, -2, expect.closeTo(0.33325, 4)]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([1, -5]);
  });

  it('names the problem in a damaged file', () => {
    const bytes = writeSafetensors(dict);
    expect(() => readSafetensors(bytes.subarray(0, 5), 'w.safetensors')).toThrow(/w.safetensors is not a valid safetensors file: it has 5 bytes/);
    expect(() => readSafetensors(bytes.subarray(0, bytes.length - 4), 'w.safetensors')).toThrow(/tensor 'features.0.bias' has offsets/);
    const bad = bytes.slice();
    bad[9] = 0x7b; // corrupt the JSON
    bad[10] = 0x7b;
    expect(() => readSafetensors(bad, 'w.safetensors')).toThrow(/header is not JSON/);
  });

  it('validates the whole header: shapes, offsets, dtypes, entries and metadata, naming the tensor', () => {
    const file = (header: unknown, dataBytes = 24) => {
      const raw = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + raw.length + dataBytes);
      new DataView(out.buffer).setBigUint64(0, BigInt(raw.length), true);
      out.set(raw, 8);
      return out;
    };
    const t = (shape: unknown, offs: unknown = [0, 24], dtype: unknown = 'F32') => ({ dtype, shape, data_offsets: offs });
    const bad: Array<[unknown, RegExp]> = [
      [{ a: t([-2, -3]) }, /'a' has the shape \[-2,-3\]; a shape is a list of whole numbers/],
      [{ a: t([0.5, 12]) }, /'a' has the shape \[0.5,12\]/],
      [{ a: t(['2', '3']) }, /'a' has the shape \["2","3"\]/],
      [{ a: 7 }, /tensor 'a' is not an object/],
      [{ a: t([2, 3], [0, 24], 'F128') }, /'a' has an unknown dtype "F128"/],
      [{ a: t([2, 3], [0, 24], 'toString') }, /'a' has an unknown dtype "toString"/],
      [{ a: t([2, 3], [8, 4]) }, /'a' has offsets \[8,4\] that are not \[begin, end\]/],
      [{ a: t([2, 3], [0, 24]), b: t([1], [20, 24]) }, /tensors 'a' and 'b' overlap/],
      [{ a: t([2, 3]), __metadata__: { k: 3 } }, /__metadata__ is not a map of strings to strings/],
      [[1, 2], /header is not a JSON object/],
    ];
    for (const [header, why] of bad) expect(() => readSafetensors(file(header), 'x.safetensors')).toThrow(why);
    expect(readSafetensors(file({ a: t([2, 3]), 'bn.num_batches_tracked': { dtype: 'I64', shape: [], data_offsets: [24, 32] } }, 32)).tensors.get('a')!.shape).toEqual([2, 3]);
  });

  it('maps timm VGG keys to torchvision\'s', () => {
    const timm: StateDict = new Map([
      ['features.0.weight', dict.get('features.0.weight')!],
      ['pre_logits.fc1.weight', { shape: [4, 2, 1, 1], data: new Float32Array(8) }],
      ['head.fc.bias', { shape: [3], data: new Float32Array(3) }],
    ]);
    expect(isTimmStateDict(timm)).toBe(true);
    const tv = timmToTorchvision(timm);
    expect([...tv.keys()]).toEqual(['features.0.weight', 'classifier.0.weight', 'classifier.6.bias']);
    expect(tv.get('classifier.0.weight')!.shape).toEqual([4, 2]);
  });
});
