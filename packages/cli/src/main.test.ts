import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';
import type { InfoReport } from './commands/info.js';

function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  return main(['node', 'pixpnet', ...args]).then((code) => {
    vi.restoreAllMocks();
    return { code, out, err };
  });
}

afterEach(() => vi.restoreAllMocks());

describe('pixpnet', () => {
  it('--help lists the commands and global options', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/Usage: pixpnet/);
    expect(out).toMatch(/info \[options\]\s+print package versions/);
    expect(out).toMatch(/--backend <name>/);
  });

  it('--version prints the version', async () => {
    const { code, out } = await run('--version');
    expect(code).toBe(0);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('info reports wasm with SIMD and a thread per core, as JSON', async () => {
    const { code, out } = await run('info', '--json');
    expect(code).toBe(0);
    const r = JSON.parse(out) as InfoReport;
    expect(r.backend).toBe('wasm');
    expect(r.simd).toBe(true);
    expect(r.threads).toBeGreaterThanOrEqual(1);
    expect(r.packages['@pixpnet/engine']).toBeDefined();
    expect(r.packages['@tensorflow/tfjs-core']).toBe('4.22.0');
  });

  it('info prints a readable table', async () => {
    const { code, out } = await run('info');
    expect(code).toBe(0);
    expect(out).toMatch(/^backend\s+wasm$/m);
    expect(out).toMatch(/^SIMD\s+on$/m);
    expect(out).toMatch(/^threads\s+\d+$/m);
  });

  it('rejects an unknown backend with the choices, and names a missing one', async () => {
    const bad = await run('--backend', 'gpu', 'info');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/Allowed choices are auto, tensorflow-gpu, tensorflow, wasm, cpu/);
    const missing = await run('--backend', 'tensorflow-gpu', 'info');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/\[ERROR\] Backend 'tensorflow-gpu' is not available: @tensorflow\/tfjs-node-gpu is not installed/);
  });

  it('rejects a bad log level', async () => {
    const { code, err } = await run('--log-level', 'loud', 'info');
    expect(code).toBe(1);
    expect(err).toMatch(/Unknown log level 'loud'/);
  });
});
