/** The runnable examples in `examples/`, run as a user runs them (smoke tests, so they never rot). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-examples-'));
const run = (script: string, args: string[]) => spawnSync(process.execPath, [path.join(root, 'examples', script), ...args], { cwd: tmp, encoding: 'utf8' });

describe('examples/', () => {
  it('receptive-field.mjs: tables for a zoo model and a Keras model, and the fields drawn over an image', () => {
    const r = run('receptive-field.mjs', ['--model', 'resnet18', '--layer', 'layer2', '--out', 'rf.png']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/resnet18 at 224×224/);
    expect(r.stdout).toMatch(/small_cnn at 64×64/);
    expect(r.stdout).toMatch(/conv2\s+16x16\s+23x23/); // the dilated conv of the built-in Keras model
    expect(fs.statSync(path.join(tmp, 'rf.png')).size).toBeGreaterThan(1000);
  });

  it('explain.mjs: trains the dummy configuration, then writes three explanation panels', () => {
    const r = run('explain.mjs', ['--log-dir', 'logs', '--data-root', 'data', '--out', 'panels']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^trained /m);
    expect(r.stdout.match(/predicted .* \(actual .*\); top prototypes #/g)).toHaveLength(3);
    expect(fs.readdirSync(path.join(tmp, 'panels')).filter((f) => f.endsWith('.png'))).toHaveLength(3);
  }, 300_000);
});
