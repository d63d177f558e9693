/** Test helper (not built): runs the CLI's `main` in-process, capturing stdout and stderr. */
import { vi } from 'vitest';
import { main } from './main.js';

/** Runs `pixpnet ...args` in this process; resolves with the exit code and what was written. */
export function runMain(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  return main(['node', 'pixpnet', ...args]).then((code) => {
    vi.restoreAllMocks();
    return { code, out, err };
  });
}
