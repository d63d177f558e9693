/**
 * End to end, in Debian's Chromium: a run directory is untrusted input. A tampered run (a `rot.svg` with `onload` and
 * `<script>`, markup in `interpretability.yaml`, `model_info.yaml` and `metrics.csv`) gives a report that runs no
 * script and makes no request but for its own files; the report's Content-Security-Policy stops a script that got
 * into the page; the exported page works under its own policy (its script and files only, wasm compiled under it).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { Browser, Page } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/pixpnet.js');
const config = path.resolve(here, '../../../configs/protonets/proto-synthparts-dummy.yaml');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-report-e2e-'));

function pixpnet(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, PIXPNET_LOG_LEVEL: 'INFO' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env['CHROMIUM_PATH'] ?? ''].find((p) => p && fs.existsSync(p));
if (!chromium) console.warn('Chromium not found (/usr/bin/chromium; apt-get install chromium): the report\'s script and network tests are skipped.');

async function launch(): Promise<Browser> {
  const { chromium: pw } = await import('playwright-core');
  return pw.launch({ executablePath: chromium!, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
}

/** What a page did: dialogs, console errors, every request it started and those that failed (or were blocked). */
function watch(page: Page): { dialogs: string[]; errors: string[]; requests: string[]; failed: string[] } {
  const w = { dialogs: [] as string[], errors: [] as string[], requests: [] as string[], failed: [] as string[] };
  page.on('dialog', (d) => { w.dialogs.push(d.message()); void d.dismiss(); });
  page.on('console', (m) => { if (m.type() === 'error') w.errors.push(m.text()); });
  page.on('pageerror', (e) => w.errors.push(String(e)));
  page.on('request', (q) => w.requests.push(q.url()));
  page.on('requestfailed', (q) => w.failed.push(q.url()));
  return w;
}

/** A global the payloads set: undefined as long as none ran. */
const pwned = (page: Page) => page.evaluate(() => (window as unknown as { pwned?: unknown }).pwned);

describe.skipIf(!chromium)('the report and the exported page run no script of the run directory (Chromium)', () => {
  let full = '';
  /** A local server any payload would reach: each request it gets is recorded. */
  const beaconHits: string[] = [];
  const beacon = http.createServer((q, s) => { beaconHits.push(q.url ?? ''); s.end(); });
  let origin = '';

  beforeAll(async () => {
    await new Promise<void>((ok) => beacon.listen(0, '127.0.0.1', ok));
    origin = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}`;
    const r = pixpnet(['train', '-c', config, '--dataset.root', path.join(tmp, 'data'), '--log-dir', path.join(tmp, 'logs')]);
    expect(r.code, r.err).toBe(0);
    const base = path.join(tmp, 'logs', 'synthparts', 'protonet');
    full = path.join(base, fs.readdirSync(base)[0]!);
    expect(fs.existsSync(path.join(full, 'results', 'rot.svg'))).toBe(true);
  }, 300_000);

  afterAll(() => {
    beacon.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a tampered rot.svg, interpretability.yaml, model_info.yaml and metrics.csv: no script, no dialog, no request but the report\'s own files', async () => {
    const run = path.join(tmp, 'tampered');
    fs.cpSync(full, run, { recursive: true });
    const results = path.join(run, 'results');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" onload="window.pwned='svg onload';alert('svg onload');fetch('${origin}/svg-onload')">` +
      `<script>window.pwned='svg script';alert('svg script');fetch('${origin}/svg-script')</script><image href="${origin}/svg-image" width="9" height="9"/></svg>`;
    fs.writeFileSync(path.join(results, 'rot.svg'), svg);
    const img = (tag: string) => `<img src="${origin}/${tag}" onerror="window.pwned='${tag}';alert('${tag}')">`;
    const script = (tag: string) => `<script>window.pwned='${tag}';alert('${tag}');fetch('${origin}/${tag}')</script>`;
    const interp = YAML.parse(fs.readFileSync(path.join(results, 'interpretability.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    interp['parameters']!['dataset'] = script('dataset');
    interp['parameters']!['split'] = img('split');
    interp['consistency']![img('consistency-key')] = { soft: 0.5, hard: 0.25 }; // (markup where a number must be is refused: below)
    interp['rot']![img('rot-key')] = { area: 0.5, pctAtOrigSim: 10, forwards: 1, file: 'rot/x.json' };
    interp['skipped'] = { [script('skipped-key')]: img('skipped-why') };
    fs.writeFileSync(path.join(results, 'interpretability.yaml'), YAML.stringify(interp));
    const info = path.join(results, 'model_info.yaml');
    fs.writeFileSync(info, fs.readFileSync(info, 'utf8') + YAML.stringify({ [img('info-key')]: script('info-value') }));
    // a column whose name and one cell are markup (no quote or comma: the CSV stays readable)
    const csv = path.join(run, 'csv', 'version_0', 'metrics.csv');
    const lines = fs.readFileSync(csv, 'utf8').trimEnd().split('\n');
    fs.writeFileSync(csv, lines.map((l, i) => `${l},${i === 0 ? `<img src=${origin}/csv-head onerror=alert(1)>` : i === 1 ? '<script>window.pwned=1</script>' : ''}`).join('\n') + '\n');

    // markup where the file holds a number: refused before anything is written, naming the file and the field
    const bad = path.join(tmp, 'tampered-values');
    fs.cpSync(run, bad, { recursive: true });
    const badInterp = YAML.parse(fs.readFileSync(path.join(bad, 'results', 'interpretability.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    badInterp['consistency']!['bbox'] = { soft: script('consistency-soft'), hard: 0.5 };
    fs.writeFileSync(path.join(bad, 'results', 'interpretability.yaml'), YAML.stringify(badInterp));
    const refused = pixpnet(['report', bad, '--explanations', '1']);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/interpretability\.yaml is not what it should be: 'consistency\.bbox\.soft' must be number,null, got "<script>/);
    expect(fs.existsSync(path.join(bad, 'report'))).toBe(false);

    const r = pixpnet(['report', run, '--explanations', '1']);
    expect(r.err).not.toMatch(/\[ERROR\]/);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`${path.join(results, 'interpretability.yaml')}: rot.${JSON.stringify(img('rot-key'))} is not a known heat-map method`);
    const index = path.join(run, 'report', 'index.html');
    const html = fs.readFileSync(index, 'utf8');
    expect(html).not.toContain('svg onload'); // the run's rot.svg is not read
    expect(html).not.toMatch(/<script/i); // escaped text holds no '<'

    const browser = await launch();
    try {
      const page = await browser.newPage();
      const w = watch(page);
      await page.goto(`file://${index}`, { waitUntil: 'load' });
      await page.waitForTimeout(500); // time for any handler the page would run
      expect(await pwned(page)).toBeUndefined();
      expect(w.dialogs).toEqual([]);
      expect(w.errors).toEqual([]);
      // no script element, no event handler attribute, nothing pointing off the page
      expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(0);
      expect(await page.evaluate(() => [...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name) || /^(src|href)$/i.test(a.name) && /^[a-z]+:/i.test(a.value)).map((a) => `${e.tagName} ${a.name}`)))).toEqual([]);
      const own = `file://${path.join(run, 'report')}/`;
      expect(w.requests.filter((u) => !u.startsWith(own))).toEqual([]);
      expect(beaconHits).toEqual([]);
      // the figures are still there, drawn from the numbers: training curves and the ROT with its three methods
      const charts = await page.evaluate(() => [...document.querySelectorAll('figure.chart svg')].map((s) => s.querySelectorAll('.role-mark path, .role-mark line').length));
      expect(charts).toHaveLength(2);
      for (const marks of charts) expect(marks).toBeGreaterThan(0);
      const legend = await page.evaluate(() => [...document.querySelectorAll('figure.chart svg')][1]!.textContent ?? '');
      for (const label of ['Ours', 'Upsample', 'Random']) expect(legend).toContain(label);
      expect(legend).toContain(`Relevance ordering test — ${script('dataset')}`); // as text
      expect(await page.locator('text=consistency-key').count()).toBeGreaterThan(0); // the tampered key shows as text
    } finally {
      await browser.close();
    }
  }, 300_000);

  it('the report\'s Content-Security-Policy stops a script or a request that got into the page', async () => {
    const report = path.join(full, 'report');
    const r = pixpnet(['report', full, '--explanations', '1']);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(path.join(report, 'index.html'), 'utf8');
    const injected = path.join(report, 'injected.html');
    fs.writeFileSync(injected, html.replace('<body>', `<body><script>window.pwned='inline';fetch('${origin}/inline')</script><img src="missing.png" onerror="window.pwned='handler'">` +
      `<img src="${origin}/img"><svg onload="window.pwned='svg'"></svg><iframe src="${origin}/frame"></iframe><link rel="stylesheet" href="${origin}/css">`));
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const w = watch(page);
      await page.goto(`file://${injected}`, { waitUntil: 'load' });
      await page.waitForTimeout(500);
      expect(await pwned(page)).toBeUndefined();
      expect(beaconHits).toEqual([]);
      // the injected image and stylesheet are blocked by the policy before they reach the network
      const foreign = w.requests.filter((u) => !u.startsWith(`file://${report}/`));
      expect(foreign.sort()).toEqual([`${origin}/css`, `${origin}/img`]);
      expect(w.failed.filter((u) => foreign.includes(u)).sort()).toEqual(foreign);
      expect(w.errors.some((e) => /Content Security Policy/.test(e))).toBe(true); // blocked, not merely absent
      // the page's own images still load under the policy
      const images = await page.evaluate(() => [...document.images].filter((i) => !/missing|127\.0\.0\.1/.test(i.src)).map((i) => i.complete && i.naturalWidth > 0));
      expect(images.length).toBeGreaterThan(0);
      expect(images.every(Boolean)).toBe(true);
    } finally {
      await browser.close();
      fs.rmSync(injected);
    }
  }, 300_000);

  it('a damaged ROT curves file stops the report before anything is written, naming the file and the fix', () => {
    const run = path.join(tmp, 'bad-rot');
    fs.cpSync(full, run, { recursive: true });
    fs.rmSync(path.join(run, 'report'), { recursive: true, force: true });
    const dir = path.join(run, 'results', 'rot');
    const file = path.join(dir, fs.readdirSync(dir).find((f) => f.includes('method-rf'))!);
    const body = JSON.parse(fs.readFileSync(file, 'utf8')) as { result: { agg: unknown[] } };
    body.result.agg[1] = '<script>window.pwned=1</script>';
    fs.writeFileSync(file, JSON.stringify(body));
    const r = pixpnet(['report', run, '--explanations', '1']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`${file} is not a readable ROT result (agg[1] is neither a finite number nor null): restore it, or delete it to leave it out of the report.`);
    expect(fs.existsSync(path.join(run, 'report'))).toBe(false);
  }, 60_000);

  it('pixpnet export: the page works under its policy (its own script and files, wasm compiled) and loads nothing else', async () => {
    const out = path.join(tmp, 'export');
    const r = pixpnet(['export', full, '--out', out]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    expect(csp).toBe("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    fs.copyFileSync(path.join(out, 'prototypes', fs.readdirSync(path.join(out, 'prototypes'))[0]!), path.join(out, 'sample.png'));
    const server = spawn(process.execPath, [path.resolve(here, '../../../examples/browser/serve.mjs'), out, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((ok) => server.stdout!.once('data', (d: Buffer) => ok(d.toString().trim())));
    const browser = await launch();
    try {
      const page = await browser.newPage();
      // no WebGL: the page falls back to wasm, whose compilation the policy must allow
      await page.addInitScript(() => {
        for (const C of [HTMLCanvasElement, OffscreenCanvas]) {
          const get = C.prototype.getContext as (this: unknown, type: string, ...a: unknown[]) => unknown;
          (C.prototype as unknown as { getContext: typeof get }).getContext = function (this: unknown, type: string, ...a: unknown[]) { return /webgl/.test(type) ? null : get.call(this, type, ...a); };
        }
      });
      const w = watch(page);
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { pixpnet?: unknown }).pixpnet !== undefined || /Error/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 120_000 });
      const got = await page.evaluate(() => (window as unknown as { pixpnet: { explainUrl(u: string): Promise<{ predicted: number; backend: string }> } }).pixpnet.explainUrl('/sample.png'));
      expect(got.backend).toBe('wasm');
      expect(await page.textContent('#status')).toMatch(/^Predicted .* \(wasm\)$/);
      expect(w.errors).toEqual([]);
      expect(w.requests.filter((u) => !u.startsWith(url))).toEqual([]);
      // an inline script added to the page does not run
      await page.evaluate(() => { const s = document.createElement('script'); s.textContent = "window.pwned = 'inline'"; document.head.append(s); });
      expect(await pwned(page)).toBeUndefined();
    } finally {
      await browser.close();
      server.kill();
    }
  }, 300_000);
});
