import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutDir } from './out_dir.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-outdir-'));

describe('checkOutDir', () => {
  it('accepts an existing folder and a creatable one, leaving nothing behind', () => {
    expect(() => checkOutDir(tmp, '--out')).not.toThrow();
    const deep = path.join(tmp, 'a', 'b', 'c');
    expect(() => checkOutDir(deep, '--out')).not.toThrow();
    expect(fs.existsSync(path.join(tmp, 'a'))).toBe(false);
  });

  it('refuses a file in the place of the folder or above it, naming the option and the fix', () => {
    const file = path.join(tmp, 'afile');
    fs.writeFileSync(file, 'x');
    expect(() => checkOutDir(file, '--out')).toThrow(/^--out .*afile is a file, not a folder: give a folder you can write to/);
    expect(() => checkOutDir(path.join(file, 'sub'), '--out')).toThrow(/afile is a file, so no folder can be made under it/);
  });

  it.skipIf(!fs.existsSync('/proc/self'))('refuses a place where no folder can be made, at once', () => {
    expect(() => checkOutDir('/proc/nope/deeper', '--out')).toThrow(/--out \/proc\/nope\/deeper cannot be created \(ENOENT at \/proc\/nope\)/);
  });
});
