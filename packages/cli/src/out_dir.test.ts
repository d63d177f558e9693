import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutDir } from './out_dir.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-outdir-'));

describe('checkOutDir', () => {
  it('accepts an existing folder and a creatable one, leaving nothing behind', () => {
    expect(checkOutDir(tmp, '--out')).toBe(fs.realpathSync(tmp));
    const deep = path.join(tmp, 'a', 'b', 'c');
    expect(checkOutDir(deep, '--out')).toBe(path.join(fs.realpathSync(tmp), 'a', 'b', 'c'));
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

  it('follows a symbolic link to a folder (there or above the missing part) and returns the folder it points to', () => {
    const target = path.join(tmp, 'target');
    fs.mkdirSync(target);
    const link = path.join(tmp, 'link');
    fs.symlinkSync(target, link);
    const real = fs.realpathSync(target);
    expect(checkOutDir(link, '--out')).toBe(real);
    expect(checkOutDir(path.join(link, 'x', 'y'), '--out')).toBe(path.join(real, 'x', 'y'));
    expect(fs.readdirSync(target)).toEqual([]);
    const relative = path.join(tmp, 'rel-link');
    fs.symlinkSync('target', relative); // relative to the link's folder
    expect(checkOutDir(relative, '--out')).toBe(real);
  });

  it('refuses a dangling link, a link loop and a link to a file, naming the link and where it points', () => {
    const dangling = path.join(tmp, 'dangling');
    fs.symlinkSync(path.join(tmp, 'gone'), dangling);
    expect(() => checkOutDir(dangling, '--out')).toThrow(/^--out .*dangling is a symbolic link to .*gone, which does not exist: create that folder, or remove the link/);
    expect(() => checkOutDir(path.join(dangling, 'sub'), '--out')).toThrow(/^--out .*dangling\/sub: .*dangling is a symbolic link to .*gone, which does not exist/);
    const loop = path.join(tmp, 'loop');
    fs.symlinkSync(loop, loop);
    expect(() => checkOutDir(loop, '--log-dir')).toThrow(/^--log-dir .*loop is a symbolic link that leads back to itself/);
    expect(() => checkOutDir(path.join(loop, 'sub'), '--log-dir')).toThrow(/loop is a symbolic link that leads back to itself/);
    const file = path.join(tmp, 'file2');
    fs.writeFileSync(file, 'x');
    const toFile = path.join(tmp, 'to-file');
    fs.symlinkSync(file, toFile);
    expect(() => checkOutDir(toFile, '--out')).toThrow(/^--out .*to-file is a symbolic link to the file .*file2, not a folder/);
    expect(() => checkOutDir(path.join(toFile, 'sub'), '--out')).toThrow(/to-file is a symbolic link to the file .*file2, so no folder can be made under it/);
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
    expect(fs.existsSync(path.join(tmp, 'gone'))).toBe(false);
  });

  it('within a run: a link that stays inside it is followed, one that leads out of it is refused, naming the flag that writes elsewhere', () => {
    const run = path.join(tmp, 'run');
    fs.mkdirSync(path.join(run, 'report_v2'), { recursive: true });
    fs.symlinkSync(path.join(run, 'report_v2'), path.join(run, 'report'));
    expect(checkOutDir(path.join(run, 'report'), 'the report folder', { within: { dir: run } })).toBe(path.join(fs.realpathSync(run), 'report_v2'));
    const away = path.join(tmp, 'away');
    fs.mkdirSync(away);
    fs.symlinkSync(away, path.join(run, 'export'));
    expect(() => checkOutDir(path.join(run, 'export'), 'The default --out folder', { within: { dir: run, option: '--out' } }))
      .toThrow(/^The default --out folder .*run\/export leads out of the run directory .*run \(a symbolic link to .*away\): a run's own folders stay inside it\. Remove the link, or give --out .*away to write there\./);
    expect(checkOutDir(path.join(run, 'new'), 'x', { within: { dir: run } })).toBe(path.join(fs.realpathSync(run), 'new'));
    // the run directory itself given through a link: its folders are inside it
    fs.symlinkSync(run, path.join(tmp, 'run-link'));
    expect(checkOutDir(path.join(tmp, 'run-link', 'new'), 'x', { within: { dir: path.join(tmp, 'run-link') } })).toBe(path.join(fs.realpathSync(run), 'new'));
    expect(fs.readdirSync(away)).toEqual([]);
  });
});
