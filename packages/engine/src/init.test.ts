import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { tf } from './tf.js';
import { BackendUnavailableError } from './backends/types.js';
import { describe as describeEngine, initBackend, parseBackendChoice } from './init.js';

afterEach(() => {
  delete process.env['PIXPNET_BACKEND'];
  delete process.env['PIXPNET_THREADS'];
});

describe('initBackend', () => {
  it('auto picks wasm here (no tfjs-node), with SIMD and one thread per core', async () => {
    const info = await initBackend();
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.simd).toBe(true);
    expect(info.threads).toBe(Math.min(os.cpus().length, 8));
    expect(info.skipped.map((s) => s.backend)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(info.kernels).toContain('Conv2DBackpropFilter');
    expect(describeEngine(info)).toMatch(/^wasm \(SIMD on, \d+ threads?\)$/);
    expect(os.cpus().length).toBeGreaterThan(0); // the thread shim gave os.cpus back
    expect(await initBackend()).toBe(info); // idempotent
  });

  it('takes the backend from PIXPNET_BACKEND', async () => {
    process.env['PIXPNET_BACKEND'] = 'cpu';
    const info = await initBackend();
    expect(info.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.kernels).toEqual(['Conv2DBackpropFilter']);
    await initBackend({ backend: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('explains how to get a requested backend that is not installed', async () => {
    const err = await initBackend({ backend: 'tensorflow' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/@tensorflow\/tfjs-node is not installed.*npm install @tensorflow\/tfjs-node@4\.22\.0.*--backend wasm/);
    expect(tf.getBackend()).toBe('wasm'); // nothing changed
  });

  it('rejects unknown names with the list of choices', async () => {
    expect(() => parseBackendChoice('gpu')).toThrow("--backend: unknown backend 'gpu'. Use one of: auto, tensorflow-gpu, tensorflow, wasm, cpu.");
    process.env['PIXPNET_BACKEND'] = 'webgpu';
    await expect(initBackend()).rejects.toThrow(/PIXPNET_BACKEND: unknown backend 'webgpu'/);
    process.env['PIXPNET_BACKEND'] = 'wasm';
    process.env['PIXPNET_THREADS'] = 'many';
    await expect(initBackend()).rejects.toThrow(/PIXPNET_THREADS: threads must be a whole number/);
  });
});
