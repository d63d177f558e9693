/**
 * A pool of worker threads (piscina) running the loader's per-image work: decode, warps and normalisation
 * leave the main thread, which only assembles batches and creates tensors. Idle workers do not keep the
 * process alive; {@link ImagePool.close} ends them.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ImageResult, ImageTask } from './task.js';

/** The default worker count: the cores but one for the main thread, at least 1. */
export function defaultNumWorkers(): number {
  return Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
}

/** The compiled worker (from the sources, as under vitest, the built one in dist/). */
function workerFile(): string {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/pool/worker.js', here) : new URL('./worker.js', here);
  const file = fileURLToPath(url);
  if (!fs.existsSync(file)) throw new Error(`The image worker ${file} is missing: build @pixpnet/data (npm run build in packages/data).`);
  return file;
}

let shared: ImagePool | undefined;

/** A fixed-size pool of image workers. */
export class ImagePool {
  /**
   * The process-wide pool of {@link defaultNumWorkers} workers that loaders use by default, created on first use.
   * Its idle workers do not keep the process alive; {@link ImagePool.closeShared} ends it early.
   */
  static shared(): ImagePool {
    if (!shared || shared.closed) shared = new ImagePool();
    return shared;
  }

  /** Ends the shared pool, if any (a later use starts a new one). */
  static async closeShared(): Promise<void> {
    const p = shared;
    shared = undefined;
    await p?.close();
  }

  private readonly pool: Piscina;
  private closed = false;
  private readonly running = new Set<Promise<unknown>>();

  constructor(readonly size: number = defaultNumWorkers()) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`An image pool needs a whole number ≥ 1 of workers, got ${size}.`);
    this.pool = new Piscina({ filename: workerFile(), minThreads: size, maxThreads: size, idleTimeout: 60_000, concurrentTasksPerWorker: 2 });
  }

  /** Runs one image task in a worker. */
  run(task: ImageTask): Promise<ImageResult> {
    if (this.closed) return Promise.reject(new Error('The image pool is closed.'));
    const p = this.pool.run(task) as Promise<ImageResult>;
    const settled = p.then(() => undefined, () => undefined);
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return p;
  }

  /**
   * Ends the workers once the tasks already given have settled (a result arriving after piscina's destroy is an
   * uncaught error in piscina 5).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.running);
    await this.pool.destroy();
  }
}
