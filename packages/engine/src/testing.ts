/**
 * Test helpers for PixPNet packages (`@pixpnet/engine/testing`): deterministic data, error measures,
 * and tensor-leak accounting. No test framework is imported here.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tf } from './tf.js';
import { Rng } from './rng.js';

/** A seeded PRNG returning floats in [0, 1) (the engine's {@link Rng}). */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

/** `n` seeded values uniform in [-1, 1). */
export function seededValues(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = r() * 2 - 1;
  return out;
}

/** `max|a - b| / max|b|`: the error of `a` relative to the scale of the reference `b`. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeError: lengths differ (${a.length} vs ${b.length})`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Runs `fn` and returns how many tensors it left alive (0 for a leak-free function) with its result. */
export function tensorsLeftBy<T>(fn: () => T): { result: T; leaked: number } {
  const before = tf.memory().numTensors;
  const result = fn();
  return { result, leaked: tf.memory().numTensors - before };
}

/** Makes `backend` current, runs `fn` in a tidy scope and returns its outputs as arrays (tensors disposed). */
export async function runOn(backend: string, fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  if (!(await tf.setBackend(backend))) throw new Error(`runOn: backend '${backend}' did not start`);
  const out = tf.tidy(fn);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => Float32Array.from(t.dataSync() as ArrayLike<number>));
  tf.dispose(list);
  return values;
}

/** Shapes and options of {@link referenceConv2d}. */
export interface ReferenceConvSpec {
  x: { shape: [number, number, number, number]; values: ArrayLike<number> };
  /** `[kh, kw, Cin / groups, Cout]`. */
  w: { shape: [number, number, number, number]; values: ArrayLike<number> };
  strides: [number, number];
  /** `[[top, bottom], [left, right]]`. */
  pad: [[number, number], [number, number]];
  dilations: [number, number];
  groups: number;
}

/**
 * A direct, loop-by-loop NHWC convolution with torchvision's options, and its gradients for an upstream
 * gradient `dy` (when given): the independent reference the engine's kernels are checked against.
 */
export function referenceConv2d(spec: ReferenceConvSpec, dy?: ArrayLike<number>) {
  const [B, H, W, C] = spec.x.shape;
  const [kh, kw, cg, O] = spec.w.shape;
  const [sh, sw] = spec.strides;
  const [[pt, pb], [pl, pr]] = spec.pad;
  const [dh, dw] = spec.dilations;
  const og = O / spec.groups;
  const Ho = Math.floor((H + pt + pb - (kh - 1) * dh - 1) / sh) + 1;
  const Wo = Math.floor((W + pl + pr - (kw - 1) * dw - 1) / sw) + 1;
  const y = new Float64Array(B * Ho * Wo * O);
  const dx = new Float64Array(B * H * W * C);
  const dW = new Float64Array(kh * kw * cg * O);
  const xv = spec.x.values;
  const wv = spec.w.values;
  for (let b = 0; b < B; b++) for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) for (let o = 0; o < O; o++) {
    const g = Math.floor(o / og);
    const yi = ((b * Ho + oy) * Wo + ox) * O + o;
    const r = dy ? dy[yi]! : 0;
    let acc = 0;
    for (let i = 0; i < kh; i++) {
      const iy = oy * sh + i * dh - pt;
      if (iy < 0 || iy >= H) continue;
      for (let j = 0; j < kw; j++) {
        const ix = ox * sw + j * dw - pl;
        if (ix < 0 || ix >= W) continue;
        for (let c = 0; c < cg; c++) {
          const xi = ((b * H + iy) * W + ix) * C + g * cg + c;
          const wi = ((i * kw + j) * cg + c) * O + o;
          acc += xv[xi]! * wv[wi]!;
          if (dy) {
            dx[xi] = dx[xi]! + r * wv[wi]!;
            dW[wi] = dW[wi]! + r * xv[xi]!;
          }
        }
      }
    }
    y[yi] = acc;
  }
  return { y, dx, dW, outShape: [B, Ho, Wo, O] as [number, number, number, number] };
}

/** A small file system mounted for a test ({@link smallFileSystem}). */
export interface SmallFileSystem {
  /** Its mount point (an empty folder). */
  dir: string;
  /** Fills it with a filler file so that about `bytes` stay free (rounded down to whole blocks). */
  fill(bytes: number): void;
  /** Removes the filler file. */
  unfill(): void;
  /** Unmounts it and removes the mount point. */
  close(): void;
}

/**
 * Mounts a tmpfs of `bytes` on a new temporary folder, to test what happens on a full disk for real (ENOSPC from
 * the kernel). Needs root and a kernel that lets this process mount; otherwise returns the reason to skip.
 */
export function smallFileSystem(bytes: number): SmallFileSystem | { skip: string } {
  if (process.platform !== 'linux') return { skip: 'a tmpfs needs Linux' };
  if (process.getuid?.() !== 0) return { skip: 'mounting a small tmpfs needs root' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixpnet-fullfs-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    fs.rmdirSync(dir);
    return { skip: `mount -t tmpfs failed here (${(r.stderr || r.error?.message || '').trim()})` };
  }
  const filler = path.join(dir, 'filler.bin');
  return {
    dir,
    fill(free: number) {
      fs.rmSync(filler, { force: true });
      const st = fs.statfsSync(dir);
      const avail = st.bavail * st.bsize;
      const size = Math.max(0, Math.floor((avail - free) / st.bsize) * st.bsize);
      const fd = fs.openSync(filler, 'w');
      try {
        const block = Buffer.alloc(1 << 16, 1);
        for (let done = 0; done < size;) done += fs.writeSync(fd, block, 0, Math.min(block.length, size - done));
      } finally {
        fs.closeSync(fd);
      }
    },
    unfill() {
      fs.rmSync(filler, { force: true });
    },
    close() {
      spawnSync('umount', [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
