import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setLogSink } from '@pixpnet/engine';
import type { LogSink } from '@pixpnet/engine';
import { warnIfEdited } from './configs.js';

let restore: LogSink | undefined;
afterEach(() => {
  if (restore) setLogSink(restore);
  restore = undefined;
});

function capture(): string[] {
  const lines: string[] = [];
  restore = setLogSink((l) => lines.push(l));
  return lines;
}

describe('built-in configs', () => {
  it('warns when configs/ in the working directory holds an edited version of the copy that runs', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-builtin-')); // the package's copies
    fs.mkdirSync(path.join(root, 'protonets'));
    const builtin = path.join(root, 'protonets', 'proto-synthparts.yaml');
    fs.writeFileSync(builtin, 'seed: 42\n');
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-cfg-'));
    fs.mkdirSync(path.join(cwd, 'configs', 'protonets'), { recursive: true });
    const local = path.join(cwd, 'configs', 'protonets', 'proto-synthparts.yaml');
    const lines = capture();
    warnIfEdited(builtin, cwd, root); // no local copy: nothing to say
    fs.writeFileSync(local, fs.readFileSync(builtin, 'utf8'));
    warnIfEdited(builtin, cwd, root); // the same text: nothing to say
    expect(lines).toEqual([]);
    fs.writeFileSync(local, `${fs.readFileSync(builtin, 'utf8')}# edited\n`);
    warnIfEdited(builtin, cwd, root);
    warnIfEdited(local, cwd, root); // a file outside the package: not a copy
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/configs\/protonets\/proto-synthparts\.yaml differs from its built-in copy .*pixpnet-builtin-.*\/protonets\/proto-synthparts\.yaml, which is the one used: give the file's path/);
  });
});
