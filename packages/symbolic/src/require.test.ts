/** The analyzer installed alone is loadable from CommonJS too (`require`), through the `default` export condition. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('CommonJS consumers', () => {
  it('every export has a default condition', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    for (const [sub, target] of Object.entries(pkg.exports as Record<string, unknown>)) {
      if (typeof target === 'object') expect((target as Record<string, string>)['default'], sub).toBe((target as Record<string, string>)['import']);
    }
  });
  it("require('@pixpnet/symbolic') works", () => {
    const r = spawnSync(process.execPath, ['-e', "const s = require('@pixpnet/symbolic'); console.log(s.computeReceptiveFields(s.zooModel('vgg16'), { height: 224 }).layers.maxpool5.rf.join('x'))"],
      { cwd: pkgDir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('212x212');
  });
});
