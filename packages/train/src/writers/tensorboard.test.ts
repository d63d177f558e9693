import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TensorBoardWriter, crc32c, maskedCrc32c, readTensorBoardEvents } from './tensorboard.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pixpnet-tb-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('masked CRC-32C', () => {
  it('matches the known answers', () => {
    const digits = new TextEncoder().encode('123456789');
    expect(crc32c(digits)).toBe(0xe3069283);
    expect(maskedCrc32c(digits)).toBe(0xc78ab0e5); // ((0xe3069283 >>> 15) | (0xe3069283 << 17)) + 0xa282ead8
    // The header every TensorFlow event file starts with: length 24 (the file-version event), masked CRC a3 7f 4b 22.
    const length24 = Buffer.from([24, 0, 0, 0, 0, 0, 0, 0]);
    expect(maskedCrc32c(length24)).toBe(0x224b7fa3);
  });
});

describe('TensorBoardWriter', () => {
  it('writes scalars and histograms that read back with their tags, steps and values', () => {
    const dir = join(root, 'runs', 'exp1');
    const w = new TensorBoardWriter(dir, { filenameSuffix: '.train' });
    w.addScalar('loss/train', 0.4242, 1, 1_700_000_000.5);
    w.addScalar('loss/train', 0, 2);
    w.addScalars({ 'acc/val': 0.75, lr: 1e-3 }, 2);
    w.addHistogram('weights/fc', new Float32Array([0, 1, -1, 0.5, 2, 2]), 3);
    w.addHistogram('bias', [3], 3);
    w.flush();
    w.close();

    expect(dirname(w.file)).toBe(dir);
    const name = basename(w.file);
    expect(name.startsWith('events.out.tfevents.')).toBe(true);
    expect(name.endsWith(`.${hostname()}.${process.pid}.${name.split('.').at(-2)}.train`)).toBe(true);
    expect(name).toMatch(/^events\.out\.tfevents\.\d{10}\..+\.\d+\.\d+\.train$/);
    // TFRecord framing: the first record is the 24-byte file-version event, like TensorFlow's.
    expect(readFileSync(w.file).subarray(0, 12).toString('hex')).toBe('1800000000000000a37f4b22');

    const events = readTensorBoardEvents(w.file);
    expect(events).toHaveLength(6);
    const [first, s1, s2, s3, h1, h2] = events;
    expect(first?.fileVersion).toBe('brain.Event:2');
    expect(first?.step).toBe(0);
    expect(first?.scalars).toEqual({});
    expect(Math.abs(first!.wallTime - Date.now() / 1000)).toBeLessThan(60);

    expect(s1).toEqual({ wallTime: 1_700_000_000.5, step: 1, scalars: { 'loss/train': Math.fround(0.4242) }, histograms: {} });
    expect(s2?.step).toBe(2);
    expect(s2?.scalars).toEqual({ 'loss/train': 0 }); // a zero scalar is still present
    expect(s2?.fileVersion).toBeUndefined();
    expect(s3?.scalars).toEqual({ 'acc/val': 0.75, lr: Math.fround(1e-3) });
    expect(s3?.step).toBe(2);

    expect(h1?.step).toBe(3);
    expect(h1?.scalars).toEqual({});
    const h = h1!.histograms['weights/fc']!;
    expect(h).toMatchObject({ min: -1, max: 2, num: 6, sum: 4.5, sumSquares: 10.25 });
    expect(h.bucket.length).toBe(h.bucketLimit.length);
    expect(h.bucket.reduce((a, b) => a + b, 0)).toBe(6);
    const bucketOf = (v: number): number => h.bucketLimit.findIndex((limit) => v < limit);
    for (let i = 1; i < h.bucketLimit.length; i++) expect(h.bucketLimit[i]).toBeGreaterThan(h.bucketLimit[i - 1]!);
    // Each non-empty bucket [previous limit, limit) holds exactly the values in it, and is 10% wide (relative).
    const values = [0, 1, -1, 0.5, 2, 2];
    h.bucket.forEach((count, i) => {
      expect(count).toBe(values.filter((v) => bucketOf(v) === i).length);
      const lo = h.bucketLimit[i - 1];
      const hi = h.bucketLimit[i]!;
      if (count > 0 && lo !== undefined && lo !== 0 && hi !== 0) expect(Math.max(hi / lo, lo / hi)).toBeCloseTo(1.1, 10);
    });
    expect(h.bucket[bucketOf(2)]).toBe(2);
    expect(h.bucketLimit[bucketOf(0)]).toBe(1e-12); // zero falls in [0, 1e-12)
    expect(h.bucketLimit[0]).toBeLessThan(-1); // the leading empty run, collapsed into one bucket
    expect(h.bucketLimit.at(-1)).toBe(Number.MAX_VALUE); // the trailing empty run
    expect(h.bucket.length).toBeLessThan(20); // empty runs are collapsed
    expect(h2?.histograms['bias']).toMatchObject({ min: 3, max: 3, num: 1, sum: 3, sumSquares: 9 });
  });

  it('names the file and the record offset when a record is corrupt or truncated', () => {
    const w = new TensorBoardWriter(root);
    w.addScalar('x', 1, 1);
    w.addScalar('x', 2, 2);
    w.close();
    const good = readFileSync(w.file);
    const second = 12 + 24 + 4; // after the file-version record
    const escaped = w.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

    const dataFlipped = Buffer.from(good);
    dataFlipped[second + 12 + 3]! ^= 0x01;
    writeFileSync(w.file, dataFlipped);
    expect(() => readTensorBoardEvents(w.file)).toThrow(new RegExp(`^Corrupt TensorBoard event file ${escaped}: record at byte offset ${second}: data CRC mismatch`));

    const lengthFlipped = Buffer.from(good);
    lengthFlipped[second]! ^= 0x01;
    writeFileSync(w.file, lengthFlipped);
    expect(() => readTensorBoardEvents(w.file)).toThrow(new RegExp(`${escaped}: record at byte offset ${second}: length CRC mismatch`));

    writeFileSync(w.file, good.subarray(0, good.length - 1));
    const third = second + (good.length - second) / 2;
    expect(() => readTensorBoardEvents(w.file)).toThrow(new RegExp(`${escaped}: record at byte offset ${third}: truncated record`));

    writeFileSync(w.file, good);
    expect(readTensorBoardEvents(w.file).map((e) => e.scalars['x'])).toEqual([undefined, 1, 2]);
  });

  it('gives each writer its own file, creates the directory and refuses writes after close', () => {
    const dir = join(root, 'a', 'b');
    const w1 = new TensorBoardWriter(dir);
    const w2 = new TensorBoardWriter(dir);
    expect(existsSync(dir)).toBe(true);
    expect(w1.file).not.toBe(w2.file);
    w1.close();
    w1.close(); // idempotent
    w2.close();
    expect(() => w1.addScalar('x', 1, 1)).toThrow(/is closed/);
    expect(() => w1.flush()).toThrow(/is closed/);
    expect(readTensorBoardEvents(w1.file)).toHaveLength(1);
  });

  it('rejects bad steps, tags and histogram values without writing anything', () => {
    const w = new TensorBoardWriter(root);
    expect(() => w.addScalar('x', 1, 1.5)).toThrow(/step must be a safe integer/);
    expect(() => w.addScalar('', 1, 1)).toThrow(/tag must be a non-empty string/);
    expect(() => w.addHistogram('h', [], 1)).toThrow(/histogram 'h' has no values/);
    expect(() => w.addHistogram('h', [1, Number.NaN], 1)).toThrow(/non-finite value NaN at index 1/);
    w.addScalars({}, 1);
    w.close();
    expect(readTensorBoardEvents(w.file)).toHaveLength(1);
  });
});
