import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lockFile, processStartTicks } from './lock.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-lock-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const dir = () => fs.mkdtempSync(path.join(tmp, `d${n++}-`));
const sleeper = () => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
const deadPid = async () => {
  const p = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => p.on('exit', r));
  return p.pid!;
};
const writeLock = (file: string, info: Record<string, unknown>) =>
  fs.writeFileSync(file, JSON.stringify({ host: os.hostname(), started: '2026-01-01T00:00:00Z', command: 'pixpnet train --resume x', token: 'old', ...info }));
const opts = { what: 'the run directory x', why: 'two processes on one run directory would corrupt it' };

describe('lockFile', () => {
  it('one owner: re-entrant in its process, released when every holder has released it; nothing else left beside it', () => {
    const d = dir();
    const f = path.join(d, '.lock');
    const a = lockFile(f, opts), b = lockFile(f, opts);
    const info = JSON.parse(fs.readFileSync(f, 'utf8'));
    expect(info.pid).toBe(process.pid);
    if (process.platform === 'linux') expect(info.procStart).toBe(processStartTicks(process.pid));
    expect(fs.readdirSync(d)).toEqual(['.lock']);
    b.release();
    expect(fs.existsSync(f)).toBe(true);
    a.release();
    expect(fs.readdirSync(d)).toEqual([]);
  });

  it('refuses a lock a live process holds, naming the process, the lock file and how to remove it', () => {
    const f = path.join(dir(), '.lock');
    const live = sleeper();
    try {
      writeLock(f, { pid: live.pid, ...(process.platform === 'linux' ? { procStart: processStartTicks(live.pid!) } : {}) });
      let msg = '';
      try {
        lockFile(f, opts);
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg).toContain(`The run directory x is in use by process ${live.pid} (pixpnet train --resume x, since 2026-01-01T00:00:00Z): two processes on one run directory would corrupt it.`);
      expect(msg).toContain(`Its lock is ${f}: if no such process is running (check with: ps -p ${live.pid}), delete ${f}`);
    } finally {
      live.kill('SIGKILL');
    }
  });

  it('takes over the lock of a dead process', async () => {
    const f = path.join(dir(), '.lock');
    writeLock(f, { pid: await deadPid() });
    const l = lockFile(f, opts);
    expect(JSON.parse(fs.readFileSync(f, 'utf8')).pid).toBe(process.pid);
    l.release();
  });

  it.skipIf(process.platform !== 'linux')('takes over a lock whose PID is now another process (a restarted container: "pid": 1)', () => {
    for (const pid of [1, process.ppid]) {
      const f = path.join(dir(), '.lock');
      writeLock(f, { pid, procStart: processStartTicks(pid)! + 12345, bootId: fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() });
      const l = lockFile(f, opts);
      expect(JSON.parse(fs.readFileSync(f, 'utf8')).pid).toBe(process.pid);
      l.release();
    }
    const f = path.join(dir(), '.lock'); // a lock from before a reboot
    writeLock(f, { pid: process.ppid, procStart: processStartTicks(process.ppid), bootId: 'another-boot' });
    lockFile(f, opts).release();
  });

  it.skipIf(process.platform === 'win32')('a FIFO in the lock\'s place is refused at once, naming it (no hang)', () => {
    const f = path.join(dir(), '.lock');
    spawnSync('mkfifo', [f]);
    expect(() => lockFile(f, opts)).toThrow(/\.lock should be a small text file, but it is a FIFO \(named pipe\): it is not read\. Delete it if no pixpnet process is running/);
  });

  it('many processes racing for a stale lock: exactly one gets it, every time', async () => {
    const script = path.join(tmp, 'contender.mjs');
    fs.writeFileSync(script, `
      import fs from 'node:fs';
      const { lockFile } = await import(${JSON.stringify(pathToFileURL(path.resolve(here, '../dist/lock.js')).href)});
      const [file, go, end] = process.argv.slice(2);
      process.stdout.write('READY\\n');
      while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 2));
      let lock;
      try { lock = lockFile(file, { what: 'x' }); } catch (e) { process.stdout.write((/in use/.test(e.message) ? 'BUSY' : 'ERR ' + e.message) + '\\n'); process.exit(0); }
      process.stdout.write('OK\\n');
      while (!fs.existsSync(end)) await new Promise((r) => setTimeout(r, 5));
      lock.release();
    `);
    const N = 12;
    for (let trial = 0; trial < 4; trial++) {
      const d = dir();
      const f = path.join(d, '.lock');
      writeLock(f, { pid: await deadPid() });
      const results: string[] = [];
      let ready = 0;
      const procs = Array.from({ length: N }, () => {
        const p = spawn(process.execPath, ['--no-warnings', script, f, path.join(d, 'go'), path.join(d, 'end')], { stdio: ['ignore', 'pipe', 'inherit'] });
        p.stdout.setEncoding('utf8');
        p.stdout.on('data', (s: string) => {
          for (const line of s.split('\n').filter(Boolean)) line === 'READY' ? ready++ : results.push(line);
        });
        return new Promise((r) => p.on('exit', r));
      });
      while (ready < N) await new Promise((r) => setTimeout(r, 10));
      fs.writeFileSync(path.join(d, 'go'), '');
      while (results.length < N) await new Promise((r) => setTimeout(r, 10));
      fs.writeFileSync(path.join(d, 'end'), '');
      await Promise.all(procs);
      expect(results.filter((r) => r === 'OK'), `trial ${trial}: ${results.join(', ')}`).toHaveLength(1);
      expect(results.filter((r) => r === 'BUSY')).toHaveLength(N - 1);
      expect(fs.readdirSync(d).sort()).toEqual(['end', 'go']); // released; no guard or private file left
    }
  }, 120_000);
});
