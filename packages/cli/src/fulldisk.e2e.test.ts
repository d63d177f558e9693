/**
 * End to end on a real full disk (a small tmpfs, mounted when the tests run as root): `train`, `evaluate`, `report`
 * and `export` that run out of space fail with a non-zero exit code and a message naming the file, and every file
 * already there stays whole — the previous checkpoint (the run resumes once space is freed), results, report and
 * export.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallFileSystem } from '@pixpnet/engine/testing';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/pixpnet.js');
const config = path.resolve(here, '../../../configs/protonets/proto-synthparts-dummy.yaml');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-fulldisk-'));
const data = path.join(tmp, 'data');

function pixpnet(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every file below `dir` with its bytes (to compare a tree before and after). */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(path.relative(dir, path.join(e.parentPath, e.name)), fs.readFileSync(path.join(e.parentPath, e.name)));
  }
  return out;
}

const ckptsOf = (run: string) => path.join(run, 'csv', 'version_0', 'checkpoints');

const fsys = smallFileSystem(16 << 20);
const skip = 'skip' in fsys ? fsys.skip : undefined;
if (skip) console.warn(`full-disk tests skipped: ${skip}`);

describe.skipIf(skip)('on a full disk (a real tmpfs)', () => {
  const disk = fsys as Exclude<typeof fsys, { skip: string }>;
  const logDir = path.join(disk.dir, 'logs');
  let run = '';
  afterAll(() => {
    disk.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  beforeAll(() => {
    // the synthetic dataset outside the small file system
    expect(pixpnet(['data', 'synth', '--out', path.join(data, 'synthparts'), '--classes', '10', '--per-class', '10']).code).toBe(0);
  }, 120_000);

  it('train: the checkpoint that does not fit fails naming it; the previous one stays and the run resumes once there is room', async () => {
    // train until the first checkpoint is there, pause, leave less room than a checkpoint needs, let it go on
    const child = spawn(process.execPath, [bin, 'train', '-c', config, '--dataset.root', data, '--log-dir', logDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    child.stdout.resume();
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const first = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const base = path.join(logDir, 'synthparts', 'protonet');
        const [d] = fs.existsSync(base) ? fs.readdirSync(base) : [];
        const ck = d && fs.existsSync(ckptsOf(path.join(base, d))) ? fs.readdirSync(ckptsOf(path.join(base, d))).find((f) => /^epoch=0-.*\.ckpt$/.test(f)) : undefined;
        if (ck) {
          clearInterval(timer);
          child.kill('SIGSTOP');
          run = path.join(base, d!);
          resolve(ck);
        }
      }, 5);
      child.on('exit', () => { clearInterval(timer); reject(new Error(`the run ended before its first checkpoint: ${err}`)); });
    });
    const before = fs.readFileSync(path.join(ckptsOf(run), first));
    disk.fill(200_000);
    child.kill('SIGCONT');
    const code = await exited;
    expect(code).not.toBe(0);
    expect(err).toMatch(/Could not write .*epoch=1-step=\d+\.ckpt: no space is left on the device \(ENOSPC\); [\d,]+ of its [\d,]+ bytes were not written/);
    expect(fs.readdirSync(ckptsOf(run))).toEqual([first]); // no temporary file, no short checkpoint
    expect(fs.readFileSync(path.join(ckptsOf(run), first)).equals(before)).toBe(true);
    disk.unfill();
    const r = pixpnet(['train', '--resume', run]);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(ckptsOf(run))).toEqual([expect.stringMatching(/^epoch=1-step=\d+\.ckpt$/)]);
  }, 300_000);

  it('evaluate: new results that do not fit replace none of the previous ones', () => {
    expect(run).not.toBe('');
    const results = path.join(run, 'results');
    const before = snapshot(results);
    disk.fill(40_000);
    const r = pixpnet(['evaluate', run, '--rot.steps', '4', '--rot.num-samples', '3']);
    disk.unfill();
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/Could not write .*: no space is left on the device \(ENOSPC\)/);
    const after = snapshot(results);
    for (const [f, bytes] of before) expect(after.get(f)?.equals(bytes), f).toBe(true);
    expect([...after.keys()].filter((f) => !before.has(f)).filter((f) => !f.startsWith('rot/'))).toEqual([]); // (a whole cache file of the ROT may stay)
  }, 120_000);

  it('report and export: a second one that does not fit leaves the first one whole', () => {
    for (const [cmd, dir] of [['report', path.join(run, 'report')], ['export', path.join(run, 'export')]] as const) {
      const ok = pixpnet([cmd, run, ...(cmd === 'report' ? ['--explanations', '1'] : [])]);
      expect(ok.code, ok.err).toBe(0);
      const before = snapshot(dir);
      disk.fill(60_000);
      const r = pixpnet([cmd, run, ...(cmd === 'report' ? ['--explanations', '1', '--seed', '3'] : [])]);
      disk.unfill();
      expect(r.code, cmd).not.toBe(0);
      expect(r.err).toMatch(/Could not write .*: no space is left on the device \(ENOSPC\)/);
      const after = snapshot(dir);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [f, bytes] of before) expect(after.get(f)!.equals(bytes), `${cmd}: ${f}`).toBe(true);
    }
  }, 180_000);
});
