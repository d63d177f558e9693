#!/usr/bin/env node
// `npm test`: builds every package and runs every package's vitest suite through nx (cached), then prints
// one closing line over all packages: `tests: N passed, N failed, N skipped`.
// Extra arguments go to nx (e.g. `npm test -- --projects=@pixpnet/engine`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.env.PIXPNET_FIXTURES ??= path.resolve(root, '../shared/fixtures');
process.env.NX_DAEMON ??= 'false';

// only what this run tests is counted: every report of an earlier run goes first (nx restores a cached one)
const reportOf = (pkg) => path.join(root, 'packages', pkg, 'reports', 'vitest.json');
for (const pkg of fs.readdirSync(path.join(root, 'packages'))) fs.rmSync(reportOf(pkg), { force: true });

const nx = spawnSync('npx', ['nx', 'run-many', '-t', 'build', 'test', '--outputStyle=static', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: process.env });

let passed = 0, failed = 0, skipped = 0, suites = 0;
const tested = [];
for (const pkg of fs.readdirSync(path.join(root, 'packages'))) {
  const report = reportOf(pkg);
  if (!fs.existsSync(report)) continue;
  tested.push(pkg);
  const r = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  suites += 1;
}
const code = nx.status ?? 1;
if (code !== 0 && failed === 0) failed = 1; // a build or a runner failed without a failing test: still a failure
console.log(`\n${suites} package(s) tested: ${tested.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(code);
