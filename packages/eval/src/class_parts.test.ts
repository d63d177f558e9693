import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readClassParts } from './class_parts.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-class-parts-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('readClassParts', () => {
  it('reads class_parts.txt as 0-based class → merged part ids; without the file an error, or undefined when optional', () => {
    const root = path.join(dir, 'synth');
    fs.mkdirSync(root);
    expect(() => readClassParts(root)).toThrow(/No class_parts\.txt under/);
    expect(readClassParts(root, { optional: true })).toBeUndefined();
    // CUB ids 2 (beak) and 14 (tail) for class 1; 5 (crown) for class 2
    fs.writeFileSync(path.join(root, 'class_parts.txt'), '1 2\n1 14\n2 5\n');
    const parts = readClassParts(root, { optional: true })!;
    expect([...parts.keys()]).toEqual([0, 1]);
    expect(parts.get(0)!.size).toBe(2);
    expect(parts.get(1)!.size).toBe(1);
    expect(readClassParts(root)).toEqual(parts);
    fs.writeFileSync(path.join(root, 'class_parts.txt'), '1 16\n');
    expect(() => readClassParts(root, { optional: true })).toThrow(/part id 16 is not a CUB part/); // a wrong file is an error even when optional
  });
});
