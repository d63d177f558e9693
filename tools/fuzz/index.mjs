#!/usr/bin/env node
// `npm run fuzz [-- --runs N]`: every fuzz target in this folder (each a child process, 10⁵ inputs by default),
// then one line per target and a total; exits non-zero when any target had a disallowed outcome.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const targets = fs.readdirSync(here).filter((f) => f.endsWith('.mjs') && !['index.mjs', 'harness.mjs'].includes(f)).sort();
const lines = [];
let bad = 0;
for (const t of targets) {
  const r = spawnSync(process.execPath, [path.join(here, t), ...process.argv.slice(2)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout);
  const line = r.stdout.split('\n').find((l) => /: \d+ inputs, \d+ disallowed outcomes/.test(l));
  if (!line || r.status !== 0) bad++;
  lines.push(line ?? `${t}: no result (exit ${r.status})`);
}
console.log(`\nfuzz: ${targets.length} targets, ${bad ? `${bad} with disallowed outcomes` : 'no disallowed outcome'}`);
process.exit(bad ? 1 : 0);
