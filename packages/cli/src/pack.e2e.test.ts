/**
 * Pack and install, as a user gets the packages: `npm pack` of every publishable package (after the build), the
 * tarballs' contents checked (licence, metadata, no tests, source maps whose sources are inside), the tarballs
 * installed into a fresh project in the temp folder (third-party dependencies from the npm registry), then
 * `npx pixpnet --help`, a seconds-long training from a built-in config on a tiny `pixpnet data synth` dataset, and
 * `@pixpnet/symbolic` loaded with CommonJS `require` and ESM `import` as the README shows.
 */
import { spawnSync } from 'node:child_process';
import type { SpawnSyncOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-pack-'));
const tarballs = path.join(tmp, 'tarballs');
const project = path.join(tmp, 'project');
const win = process.platform === 'win32';
const LONG = 600_000; // per test: npm and a training run, on a slow machine

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
  keywords?: string[];
  homepage?: string;
  bugs?: { url?: string };
  repository?: { type?: string; url?: string; directory?: string };
  dependencies?: Record<string, string>;
}
const packages = fs.readdirSync(path.join(root, 'packages')).sort()
  .map((dir) => ({ dir, manifest: JSON.parse(fs.readFileSync(path.join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest }));
const published = packages.filter((p) => !p.manifest.private);
const privateNames = packages.filter((p) => p.manifest.private).map((p) => p.manifest.name);

// npm's own variables from an enclosing `npm run` (workspace, prefix, lifecycle) must not steer the inner npm.
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env)
  .filter(([k]) => !/^(npm_(package_|lifecycle_|config_(local_prefix|prefix|workspaces?|include_workspace_root|global)$)|INIT_CWD$)/i.test(k)));

function run(cmd: string, args: string[], cwd: string, options: SpawnSyncOptions = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', shell: win, maxBuffer: 64 << 20, ...options });
  if (r.error) throw r.error;
  return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
}
const pixpnet = (args: string[]) => run('npx', ['pixpnet', ...args], project);

/** Every file under `dir`, relative, with forward slashes. */
function walk(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

interface Packed { name: string; filename: string; files: Array<{ path: string }> }
let packed: Packed[] = [];
const timings: string[] = [];
const timed = <T>(what: string, f: () => T): T => {
  const t0 = Date.now();
  try {
    return f();
  } finally {
    timings.push(`${what} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
};

describe('npm pack, install into a fresh project, use', () => {
  beforeAll(() => {
    fs.mkdirSync(tarballs);
    const pack = timed('pack', () => run('npm', ['pack', '--json', '--pack-destination', tarballs, ...published.flatMap((p) => ['-w', `packages/${p.dir}`])], root));
    if (pack.code !== 0) throw new Error(`npm pack failed (are the packages built? npm run build):\n${pack.err}`);
    packed = JSON.parse(pack.out) as Packed[];

    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'pixpnet-pack-test', version: '1.0.0', private: true }, null, 2));
    const install = timed('install', () => run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error',
      ...packed.map((p) => path.join(tarballs, p.filename))], project));
    if (install.code !== 0) {
      const ping = run('npm', ['ping'], project, { timeout: 60_000 });
      const registry = run('npm', ['config', 'get', 'registry'], project).out.trim();
      if (ping.code !== 0) {
        throw new Error(`The npm registry ${registry} is unreachable (npm ping failed): this test installs the packages' third-party dependencies from it. `
          + `Run it with registry access (or a warm npm cache).\n${ping.err}\n${install.err}`);
      }
      throw new Error(`npm install of the tarballs failed:\n${install.err}`);
    }
  }, 2 * LONG);

  afterAll(() => {
    console.log(`pack-and-install: ${timings.join(', ')}`);
    fs.rmSync(tmp, { recursive: true, force: true });
  }, LONG);

  it('packs every package that is not private, each with a licence, its metadata and only its intended files', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(published.map((p) => p.manifest.name).sort());
    expect(privateNames).not.toContain('@pixpnet/cli');
    for (const { name, files } of packed) {
      const dir = published.find((p) => p.manifest.name === name)!.dir;
      const paths = files.map((f) => f.path);
      expect(paths, name).toEqual(expect.arrayContaining(['LICENSE.md', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'src/index.ts']));
      const top = new Set(paths.map((p) => p.split('/')[0]));
      const extra = name === '@pixpnet/cli' ? ['bin'] : name === '@pixpnet/engine' || name === '@pixpnet/data' ? ['native'] : [];
      expect([...top].sort(), name).toEqual(['LICENSE.md', 'README.md', ...extra, 'dist', 'package.json', 'src'].sort());
      // the engine and the data package ship their native binaries with their source and build script
      if (name === '@pixpnet/engine') {
        expect(paths.filter((p) => p.startsWith('native/')).sort()).toEqual(
          ['native/build.mjs', 'native/pixkern-mt.wasm', 'native/pixkern.c', 'native/pixkern.wasm', 'native/toolchain.txt', 'native/wasm-build.mjs']);
      }
      if (name === '@pixpnet/data') {
        expect(paths.filter((p) => p.startsWith('native/')).sort()).toEqual(['native/build.mjs', 'native/imgops.c', 'native/imgops.wasm', 'native/toolchain.txt']);
      }
      expect(paths.filter((p) => /\.test\.|\.testkit\.|tsbuildinfo|(^|\/)(reports|fixtures)\//.test(p)), name).toEqual([]);
      const m = published.find((p) => p.manifest.name === name)!.manifest;
      expect(m.license, name).toBe('AGPL-3.0-or-later');
      expect(m.repository, name).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/.+\.git$/), directory: `packages/${dir}` });
      expect(m.homepage, name).toMatch(/^https:\/\//);
      expect(m.bugs?.url, name).toMatch(/^https:\/\/.+\/issues$/);
      expect(m.keywords?.length, name).toBeGreaterThan(0);
      for (const [dep, range] of Object.entries(m.dependencies ?? {}).filter(([d]) => d.startsWith('@pixpnet/'))) {
        expect(range, `${name} → ${dep}`).toMatch(/^\^/);
        expect(privateNames, `${name} depends on the unpublished ${dep}`).not.toContain(dep);
      }
    }
    expect(fs.readFileSync(path.join(project, 'node_modules/@pixpnet/symbolic/LICENSE.md'), 'utf8')).toBe(fs.readFileSync(path.join(root, 'LICENSE.md'), 'utf8'));
  }, LONG);

  it('installs no private package and no native TensorFlow (an optional peer)', () => {
    for (const name of privateNames) expect(fs.existsSync(path.join(project, 'node_modules', name)), name).toBe(false);
    expect(fs.existsSync(path.join(project, 'node_modules/@tensorflow/tfjs-node'))).toBe(false);
    expect(fs.existsSync(path.join(project, 'node_modules/@tensorflow/tfjs-node-gpu'))).toBe(false);
  }, LONG);

  it('ships the sources every source map and declaration map points to', () => {
    let maps = 0;
    for (const { manifest } of published) {
      const dir = path.join(project, 'node_modules', manifest.name);
      for (const f of walk(dir).filter((p) => p.endsWith('.map'))) {
        const map = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { sourceRoot?: string; sources: string[] };
        for (const s of map.sources) {
          const source = path.resolve(path.dirname(path.join(dir, f)), map.sourceRoot ?? '', s);
          expect(fs.existsSync(source), `${manifest.name}/${f} → ${s}`).toBe(true);
          expect(path.relative(dir, source).startsWith('..'), `${manifest.name}/${f} → ${s} is outside the package`).toBe(false);
        }
        maps += 1;
      }
    }
    expect(maps).toBeGreaterThan(100);
  }, LONG);

  it('npx pixpnet --help', () => {
    const r = timed('help', () => pixpnet(['--help']));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: pixpnet /);
    expect(r.out).toMatch(/^\s+train /m);
  }, LONG);

  it('trains from a built-in config on a tiny synthetic dataset, writing the run in the project', () => {
    const synth = timed('synth', () => pixpnet(['data', 'synth', '--out', 'data/synthparts', '--classes', '2', '--per-class', '10', '--distractors', 'plain']));
    expect(synth.code, synth.err).toBe(0);
    const r = timed('train', () => pixpnet(['train', '-c', 'proto-synthparts-dummy', '--dataset.root', 'data', '--log-dir', 'logs',
      '--train.batch-size', '4', '--model.num-prototypes', '4', '--eval.no-interpretability']));
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.err).not.toMatch(/native kernels/); // the engine's native kernels load from the installed package
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^test accuracy: \d+\.\d %$/m);
    const runs = fs.readdirSync(path.join(project, 'logs/synthparts/protonet'));
    expect(runs).toHaveLength(1);
    const runDir = path.join(project, 'logs/synthparts/protonet', runs[0]!);
    for (const f of ['results/scores.yaml', 'results/config.yaml', 'model/model.json', 'model/weights.bin']) expect(fs.existsSync(path.join(runDir, f)), f).toBe(true);
  }, LONG);

  it('require()s @pixpnet/symbolic from CommonJS and imports it from ESM', () => {
    const code = (load: string) => `${load}
const l = computeReceptiveFields(zooModel('vgg16'), { height: 224, layers: ['maxpool4'] }).layers.maxpool4;
console.log(JSON.stringify([l.rf, l.stride, l.padding]));`;
    fs.writeFileSync(path.join(project, 'rf.cjs'), code(`const { zooModel, computeReceptiveFields } = require('@pixpnet/symbolic');`));
    fs.writeFileSync(path.join(project, 'rf.mjs'), code(`import { zooModel, computeReceptiveFields } from '@pixpnet/symbolic';`));
    for (const file of ['rf.cjs', 'rf.mjs']) {
      const r = run(process.execPath, [file], project, { shell: false });
      expect(r.err, file).toBe('');
      expect(r.code, file).toBe(0);
      expect(JSON.parse(r.out), file).toEqual([[100, 100], [16, 16], [42, 42]]);
    }
    // every published package loads with require() (eval draws with vega, whose top-level await is loaded lazily)
    const names = ['symbolic', 'engine', 'data', 'models', 'train', 'prp', 'eval', 'cli'].map((n) => `@pixpnet/${n}`);
    fs.writeFileSync(path.join(project, 'all.cjs'), `for (const n of ${JSON.stringify(names)}) console.log(n + ' ' + (Object.keys(require(n)).length > 0));`);
    const all = run(process.execPath, ['all.cjs'], project, { shell: false });
    expect(all.err).toBe('');
    expect(all.out.trim().split('\n')).toEqual(names.map((n) => `${n} true`));
  }, LONG);
});
