/**
 * Helper threads for the native kernels: each runs its own instance of the kernel module on the backend's shared
 * heap and waits on a small control block (`Atomics.wait`), so that handing it a range of work costs a few
 * microseconds, not a message round trip. The calling thread runs its own share meanwhile, then waits.
 *
 * Node only (`node:worker_threads`); the workers are `unref`'d so they never keep a process alive.
 */
import type { Worker as NodeWorker } from 'node:worker_threads';

/**
 * Words of a control block: [0] generation, [1] export index, [2] generation done, [3] error,
 * [4] argument count, [8..] arguments.
 */
const CTRL_WORDS = 64;
const ARGS_AT = 8;

/** The worker's whole program (CommonJS, run with `eval`). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, names } = workerData;
const c = new Int32Array(ctrl);
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((n) => exports[n]);
let seen = 0;
for (;;) {
  Atomics.wait(c, 0, seen);
  seen = Atomics.load(c, 0);
  const op = c[1];
  try {
    fns[op](...Array.from(c.subarray(${ARGS_AT}, ${ARGS_AT} + c[4])));
    c[3] = 0;
  } catch (e) {
    c[3] = 1;
  }
  Atomics.store(c, 2, seen);
  Atomics.notify(c, 2);
}
`;

/** A helper thread running the kernel module. */
interface Helper {
  worker: NodeWorker;
  ctrl: Int32Array;
}

/** Runs calls of the module's exports split across the calling thread and helper threads. */
export class KernelThreads {
  private constructor(private readonly helpers: Helper[], private readonly names: string[]) {}

  /**
   * Starts `count` helper threads, each instantiating `module` against `memory` (which must be shared).
   * Resolves once every helper is ready to take work.
   */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, names: string[], count: number): Promise<KernelThreads> {
    const { Worker } = await import('node:worker_threads');
    const helpers: Helper[] = [];
    for (let i = 0; i < count; i++) {
      const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrl: ctrl.buffer, names } });
      await new Promise<void>((resolve, reject) => {
        worker.once('online', () => resolve());
        worker.once('error', reject);
      });
      // a wasm trap is caught in the worker and reported as a failed call; only the worker dying (out of memory)
      // would leave run() waiting
      worker.on('error', () => undefined);
      worker.unref();
      helpers.push({ worker, ctrl });
    }
    return new KernelThreads(helpers, names);
  }

  /** Helper threads (the calling thread is one more). */
  get size(): number {
    return this.helpers.length;
  }

  /**
   * Runs `parts[0]` on the calling thread with `local` and `parts[1..]` on the helpers, and returns when all are
   * done. Every part is the integer argument list of one call of the export `name`.
   */
  run(name: string, parts: number[][], local: (...args: number[]) => void): void {
    const op = this.names.indexOf(name);
    if (op < 0) throw new Error(`KernelThreads: unknown export ${name}`);
    const started: Array<[Helper, number]> = [];
    for (let p = 1; p < parts.length; p++) {
      const h = this.helpers[p - 1]!;
      const args = parts[p]!;
      h.ctrl[1] = op;
      h.ctrl[4] = args.length;
      h.ctrl.set(args, ARGS_AT);
      const gen = (Atomics.load(h.ctrl, 0) + 1) | 0;
      Atomics.store(h.ctrl, 0, gen);
      Atomics.notify(h.ctrl, 0);
      started.push([h, gen]);
    }
    if (parts.length > 0) local(...parts[0]!);
    let failed = false;
    for (const [h, gen] of started) {
      for (;;) {
        const done = Atomics.load(h.ctrl, 2);
        if (done === gen) break;
        Atomics.wait(h.ctrl, 2, done, 10_000);
      }
      failed ||= h.ctrl[3] !== 0;
    }
    if (failed) throw new Error(`native kernel ${name}: a helper thread failed`);
  }
}
