import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRunDir, runIdProblem } from './run_dir.js';

describe('createRunDir', () => {
  it('makes <log-dir>/<dataset>__<run-id>/<model>/<timestamp>', () => {
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-rundir-'));
    const dir = createRunDir({ logDir, dataset: 'SYNTHPARTS', runId: 'exp1', model: 'protonet', now: new Date(2024, 0, 2, 3, 4, 5) });
    expect(path.relative(logDir, dir)).toBe(path.join('synthparts__exp1', 'protonet', '2024-01-02T03_04_05'));
  });

  it('refuses a run id that would leave the log folder or is no folder name, creating nothing', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-rundir-'));
    const logDir = path.join(root, 'a', 'b', 'logs');
    for (const runId of ['../../../x', '/abs', 'a\\b', '..', '']) {
      expect(() => createRunDir({ logDir, dataset: 'SYNTHPARTS', runId, model: 'protonet' }), runId).toThrow(/cannot be part of the run directory's name: .*It must be a single folder name/);
    }
    expect(fs.readdirSync(root)).toEqual([]);
    expect(runIdProblem('fine_id-1.2')).toBeUndefined();
  });
});
