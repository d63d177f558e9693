import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pidAlive, removeStaleTemps } from '@pixpnet/engine';
import { LOCK_FILE, lockRunDir } from './lock.js';

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-lock-'));
const sleeper = () => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
const fakeLock = (d: string, pid: number) => fs.writeFileSync(path.join(d, LOCK_FILE), JSON.stringify({ pid, host: os.hostname(), started: '2026-01-01T00:00:00Z', command: 'pixpnet train --resume x' }));

describe('run directory lock', () => {
  it('one owner: re-entrant in its process, released when every holder has released it', () => {
    const d = dir();
    const a = lockRunDir(d), b = lockRunDir(d);
    expect(JSON.parse(fs.readFileSync(path.join(d, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    b.release();
    expect(fs.existsSync(path.join(d, LOCK_FILE))).toBe(true);
    a.release();
    expect(fs.existsSync(path.join(d, LOCK_FILE))).toBe(false);
  });

  it('refuses a directory a live process holds, naming it; replaces the lock of a dead one', async () => {
    const d = dir();
    const live = sleeper();
    try {
      fakeLock(d, live.pid!);
      expect(() => lockRunDir(d)).toThrow(new RegExp(`in use by process ${live.pid} \\(pixpnet train --resume x, since 2026-01-01T00:00:00Z\\)`));
    } finally {
      live.kill('SIGKILL');
    }
    await new Promise((r) => live.on('exit', r));
    expect(pidAlive(live.pid!)).toBe(false);
    const l = lockRunDir(d); // stale: taken over
    expect(JSON.parse(fs.readFileSync(path.join(d, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    l.release();
  });

  it('temporary files of a live process survive the clean-up; a dead one\'s go', async () => {
    const d = dir();
    const live = sleeper();
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => dead.on('exit', r));
    try {
      fs.writeFileSync(path.join(d, `.metrics.csv.tmp-${live.pid}`), 'x');
      fs.writeFileSync(path.join(d, `.metrics.csv.tmp-${dead.pid}`), 'x');
      fs.writeFileSync(path.join(d, 'metrics.csv'), 'kept');
      removeStaleTemps(d);
      expect(fs.readdirSync(d).sort()).toEqual([`.metrics.csv.tmp-${live.pid}`, 'metrics.csv'].sort());
    } finally {
      live.kill('SIGKILL');
    }
  });
});
