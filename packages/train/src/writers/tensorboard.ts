/**
 * TensorBoard event files: a writer of scalars and histograms that TensorBoard reads, and a reader that parses such
 * files back (verifying every checksum).
 *
 * An event file is a sequence of TFRecord records — `uint64 LE length`, `masked CRC-32C of the 8 length bytes`,
 * `data`, `masked CRC-32C of data` — whose data are serialized `tensorflow.Event` protocol buffers. The first event
 * carries `file_version: "brain.Event:2"`; every later one a `Summary` of `simple_value`s (scalars) or `histo`s
 * (`HistogramProto`, with TensorFlow's default exponential buckets).
 */
import { closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { appendWhole, readBoundedFile } from '@pixpnet/engine';
import { hostname } from 'node:os';
import { join } from 'node:path';
import CRC32C from 'crc-32/crc32c.js';
import protobuf from 'protobufjs';

/** The subset of TensorFlow's `event.proto`, `summary.proto` and `histogram.proto` that the writer uses. */
const TENSORBOARD_PROTO: protobuf.INamespace = {
  nested: {
    tensorflow: {
      nested: {
        HistogramProto: {
          fields: {
            min: { type: 'double', id: 1 },
            max: { type: 'double', id: 2 },
            num: { type: 'double', id: 3 },
            sum: { type: 'double', id: 4 },
            sum_squares: { type: 'double', id: 5 },
            bucket_limit: { rule: 'repeated', type: 'double', id: 6, options: { packed: true } },
            bucket: { rule: 'repeated', type: 'double', id: 7, options: { packed: true } },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              oneofs: { value: { oneof: ['simple_value', 'histo'] } },
              fields: {
                tag: { type: 'string', id: 1 },
                simple_value: { type: 'float', id: 2 },
                histo: { type: 'HistogramProto', id: 5 },
              },
            },
          },
        },
        Event: {
          oneofs: { what: { oneof: ['file_version', 'summary'] } },
          fields: {
            wall_time: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            file_version: { type: 'string', id: 3 },
            summary: { type: 'Summary', id: 5 },
          },
        },
      },
    },
  },
};

const EventType = protobuf.Root.fromJSON(TENSORBOARD_PROTO).lookupType('tensorflow.Event');

/** A `tensorflow.HistogramProto` as plain data (snake_case, as in the proto). */
interface HistogramMessage {
  min?: number;
  max?: number;
  num?: number;
  sum?: number;
  sum_squares?: number;
  bucket_limit?: number[];
  bucket?: number[];
}

/** A `tensorflow.Event` as plain data (int64 `step` as a number). */
interface EventMessage {
  wall_time?: number;
  step?: number;
  file_version?: string;
  summary?: { value?: Array<{ tag?: string; simple_value?: number; histo?: HistogramMessage }> };
}

/** The file version TensorBoard expects in the first event of a file. */
export const TENSORBOARD_FILE_VERSION = 'brain.Event:2';

/** The CRC-32C (Castagnoli) of bytes, unsigned. */
export function crc32c(data: Uint8Array): number {
  return CRC32C.buf(data) >>> 0;
}

/** The masked CRC-32C TFRecord stores: `((crc >>> 15) | (crc << 17)) + 0xa282ead8`, as an unsigned 32-bit integer. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** Frames data as one TFRecord record: length, masked CRC of the length bytes, data, masked CRC of the data. */
function frameRecord(data: Uint8Array): Buffer {
  const record = Buffer.alloc(12 + data.length + 4);
  record.writeBigUInt64LE(BigInt(data.length), 0);
  record.writeUInt32LE(maskedCrc32c(record.subarray(0, 8)), 8);
  record.set(data, 12);
  record.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return record;
}

let defaultBucketLimits: Float64Array | undefined;

/**
 * TensorFlow's default histogram bucket limits (`histogram.cc`): ±1e-12 growing by 10% up to 1e20, then ±DBL_MAX,
 * with 0 in the middle — 1551 increasing right edges (each bucket is `[previous limit, limit)`).
 */
function bucketLimits(): Float64Array {
  if (defaultBucketLimits) return defaultBucketLimits;
  const positive: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  positive.push(Number.MAX_VALUE);
  const negative = positive.map((v) => -v).reverse();
  defaultBucketLimits = Float64Array.from([...negative, 0, ...positive]);
  return defaultBucketLimits;
}

/** The index of the first limit strictly greater than v (the bucket v falls in), clamped to the last bucket. */
function bucketIndex(limits: Float64Array, v: number): number {
  let lo = 0;
  let hi = limits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (limits[mid]! > v) hi = mid;
    else lo = mid + 1;
  }
  return Math.min(lo, limits.length - 1);
}

/**
 * A `HistogramProto` of values as TensorFlow encodes it: default buckets, with every run of empty buckets collapsed
 * into one empty bucket ending at the run's last limit.
 */
function histogramOf(tag: string, values: ArrayLike<number>): HistogramMessage {
  if (values.length === 0) throw new RangeError(`TensorBoardWriter: histogram '${tag}' has no values`);
  const limits = bucketLimits();
  const counts = new Float64Array(limits.length);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      throw new RangeError(`TensorBoardWriter: histogram '${tag}' has a non-finite value ${v} at index ${i}`);
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
    counts[bucketIndex(limits, v)]! += 1;
  }
  const bucketLimit: number[] = [];
  const bucket: number[] = [];
  for (let i = 0; i < counts.length; ) {
    let end = limits[i]!;
    let count = counts[i]!;
    i++;
    if (count <= 0) {
      while (i < counts.length && counts[i]! <= 0) {
        end = limits[i]!;
        count = counts[i]!;
        i++;
      }
    }
    bucketLimit.push(end);
    bucket.push(count);
  }
  return { min, max, num: values.length, sum, sum_squares: sumSquares, bucket_limit: bucketLimit, bucket };
}

function checkStep(step: number): void {
  if (!Number.isSafeInteger(step)) throw new RangeError(`TensorBoardWriter: step must be a safe integer, got ${step}`);
}

function checkTag(tag: string): void {
  if (typeof tag !== 'string' || tag === '') throw new TypeError(`TensorBoardWriter: tag must be a non-empty string, got ${String(tag)}`);
}

function checkWallTime(wallTime: number): void {
  if (!Number.isFinite(wallTime)) throw new RangeError(`TensorBoardWriter: wallTime must be finite seconds, got ${wallTime}`);
}

/** The current time in (fractional) seconds since the Unix epoch, as TensorBoard's `wall_time`. */
function nowSeconds(): number {
  return Date.now() / 1000;
}

/** Options of a {@link TensorBoardWriter}. */
export interface TensorBoardWriterOptions {
  /** Appended to the event file's name (e.g. `'.train'`); TensorBoard only requires `tfevents` in the name. */
  filenameSuffix?: string;
}

/** Per-process counter that keeps event file names of writers created in the same second distinct. */
let fileCounter = 0;

/**
 * Writes a TensorBoard event file (`events.out.tfevents.<unix seconds>.<hostname>.<pid>.<counter><suffix>`) in a
 * log directory: scalars and histograms, each call appended at once as one complete record with a synchronous write,
 * so a crash leaves the file ending after the last complete record.
 *
 * @example
 * ```ts
 * const tb = new TensorBoardWriter('runs/exp1');
 * tb.addScalar('loss/train', 0.42, 100);
 * tb.addHistogram('weights/fc', weights, 100);
 * tb.close();
 * ```
 */
export class TensorBoardWriter {
  /** The path of the event file. */
  readonly file: string;
  private fd: number | undefined;

  /**
   * Creates `dir` (recursively) and a new event file in it, and writes the file-version event.
   *
   * @param dir - the log directory (point `tensorboard --logdir` at it or at a parent).
   * @param options - see {@link TensorBoardWriterOptions}.
   */
  constructor(dir: string, options: TensorBoardWriterOptions = {}) {
    mkdirSync(dir, { recursive: true });
    const seconds = Math.floor(Date.now() / 1000);
    const name = `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${fileCounter++}${options.filenameSuffix ?? ''}`;
    this.file = join(dir, name);
    this.fd = openSync(this.file, 'a');
    this.writeEvent({ wall_time: nowSeconds(), file_version: TENSORBOARD_FILE_VERSION });
  }

  /**
   * Appends one scalar.
   *
   * @param tag - the chart name, e.g. `'loss/train'` (`/` groups charts).
   * @param value - the value (stored as a 32-bit float, like TensorBoard's `simple_value`).
   * @param step - the global step (a safe integer).
   * @param wallTime - seconds since the Unix epoch; now by default.
   */
  addScalar(tag: string, value: number, step: number, wallTime: number = nowSeconds()): void {
    checkTag(tag);
    checkStep(step);
    checkWallTime(wallTime);
    this.writeEvent({ wall_time: wallTime, step, summary: { value: [{ tag, simple_value: value }] } });
  }

  /**
   * Appends several scalars of one step, as one event (nothing if `values` is empty).
   *
   * @param values - tag → value (see {@link TensorBoardWriter.addScalar}).
   * @param step - the global step (a safe integer).
   * @param wallTime - seconds since the Unix epoch; now by default.
   */
  addScalars(values: Record<string, number>, step: number, wallTime: number = nowSeconds()): void {
    const entries = Object.entries(values);
    checkStep(step);
    checkWallTime(wallTime);
    for (const [tag] of entries) checkTag(tag);
    if (entries.length === 0) return;
    this.writeEvent({ wall_time: wallTime, step, summary: { value: entries.map(([tag, v]) => ({ tag, simple_value: v })) } });
  }

  /**
   * Appends a histogram of values, bucketed like TensorFlow's summary histograms (exponential buckets growing by
   * 10% from ±1e-12, runs of empty buckets collapsed).
   *
   * @param tag - the chart name.
   * @param values - the values (e.g. a weight tensor's data); at least one, all finite.
   * @param step - the global step (a safe integer).
   * @param wallTime - seconds since the Unix epoch; now by default.
   * @throws RangeError if `values` is empty or holds a NaN or infinity.
   */
  addHistogram(tag: string, values: ArrayLike<number>, step: number, wallTime: number = nowSeconds()): void {
    checkTag(tag);
    checkStep(step);
    checkWallTime(wallTime);
    const histo = histogramOf(tag, values);
    this.writeEvent({ wall_time: wallTime, step, summary: { value: [{ tag, histo }] } });
  }

  /** Forces the records written so far to disk (`fsync`); every record is already in the file when its call returns. */
  flush(): void {
    fsyncSync(this.openFd());
  }

  /** Flushes and closes the file; later calls of `add*`/`flush` throw. Closing again does nothing. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`TensorBoardWriter: ${this.file} is closed`);
    return this.fd;
  }

  /** Appends an already serialized `tensorflow.Event` (e.g. {@link TensorBoardEvent.data} of another file). */
  appendSerialized(data: Uint8Array): void {
    this.writeRecord(data);
  }

  private writeEvent(event: EventMessage): void {
    this.writeRecord(EventType.encode(event).finish());
  }

  private writeRecord(data: Uint8Array): void {
    const fd = this.openFd();
    appendWhole(this.file, frameRecord(data), fd); // a whole record or none, also on a full disk
  }
}

/** A TensorBoard histogram as read back by {@link readTensorBoardEvents}. */
export interface TensorBoardHistogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** The right edge of each bucket (increasing); a bucket spans from the previous limit (or -DBL_MAX). */
  bucketLimit: number[];
  /** The count of each bucket. */
  bucket: number[];
}

/** One event of a TensorBoard event file, as read back by {@link readTensorBoardEvents}. */
export interface TensorBoardEvent {
  /** Seconds since the Unix epoch. */
  wallTime: number;
  step: number;
  /** Set on the file-version event (the first of a file), e.g. `'brain.Event:2'`. */
  fileVersion?: string;
  /** Tag → `simple_value` (a 32-bit float) of the event's summary. */
  scalars: Record<string, number>;
  /** Tag → histogram of the event's summary. */
  histograms: Record<string, TensorBoardHistogram>;
  /** The serialized `tensorflow.Event` (to copy it to another file with `appendSerialized`). */
  data?: Uint8Array;
}

/** Options of {@link readTensorBoardEvents}. */
export interface ReadEventsOptions {
  /** Stop at a damaged or cut-off record and return the events before it, instead of throwing. */
  tolerateTail?: boolean;
  /** Keep each event's serialized bytes in `data`. */
  withData?: boolean;
}

function corrupt(file: string, offset: number, what: string): Error {
  return new Error(`Corrupt TensorBoard event file ${file}: record at byte offset ${offset}: ${what}`);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/**
 * Reads every event of a TensorBoard event file (as written by {@link TensorBoardWriter} or TensorFlow), verifying
 * both CRCs of every record. Summary values other than scalars and histograms are skipped.
 *
 * @param file - the event file's path.
 * @param options - see {@link ReadEventsOptions}.
 * @returns the events in file order.
 * @throws Error naming the file and the record's byte offset if a record is truncated, fails a CRC check or does
 *   not parse as an Event.
 */
export function readTensorBoardEvents(file: string, options: ReadEventsOptions = {}): TensorBoardEvent[] {
  const bytes = readBoundedFile(file, { maxBytes: 4 * 1024 ** 3, what: 'a TensorBoard event file' });
  const events: TensorBoardEvent[] = [];
  let offset = 0;
  try {
    while (offset < bytes.length) offset = readRecord(file, bytes, offset, events, options);
  } catch (e) {
    if (!options.tolerateTail) throw e;
  }
  return events;
}

function readRecord(file: string, bytes: Buffer, offset: number, events: TensorBoardEvent[], options: ReadEventsOptions): number {
  {
    if (bytes.length - offset < 12) throw corrupt(file, offset, `truncated header (${bytes.length - offset} of 12 bytes)`);
    const lengthCrc = bytes.readUInt32LE(offset + 8);
    const expectedLengthCrc = maskedCrc32c(bytes.subarray(offset, offset + 8));
    if (lengthCrc !== expectedLengthCrc) {
      throw corrupt(file, offset, `length CRC mismatch (stored ${hex(lengthCrc)}, computed ${hex(expectedLengthCrc)})`);
    }
    const length = bytes.readBigUInt64LE(offset);
    const available = bytes.length - offset - 16;
    if (length > BigInt(Math.max(available, 0))) {
      throw corrupt(file, offset, `truncated record (length ${length}, ${Math.max(available, 0)} bytes of data and CRC left)`);
    }
    const start = offset + 12;
    const end = start + Number(length);
    const data = bytes.subarray(start, end);
    const dataCrc = bytes.readUInt32LE(end);
    const expectedDataCrc = maskedCrc32c(data);
    if (dataCrc !== expectedDataCrc) {
      throw corrupt(file, offset, `data CRC mismatch (stored ${hex(dataCrc)}, computed ${hex(expectedDataCrc)})`);
    }
    let message: EventMessage;
    try {
      message = EventType.toObject(EventType.decode(data), { longs: Number }) as EventMessage;
    } catch (e) {
      throw corrupt(file, offset, `not a tensorflow.Event (${e instanceof Error ? e.message : String(e)})`);
    }
    const event = toEvent(message);
    if (options.withData) event.data = Uint8Array.from(data);
    events.push(event);
    return end + 4;
  }
}

function toEvent(message: EventMessage): TensorBoardEvent {
  const event: TensorBoardEvent = { wallTime: message.wall_time ?? 0, step: message.step ?? 0, scalars: {}, histograms: {} };
  if (message.file_version !== undefined) event.fileVersion = message.file_version;
  for (const value of message.summary?.value ?? []) {
    const tag = value.tag ?? '';
    if (value.simple_value !== undefined) event.scalars[tag] = value.simple_value;
    else if (value.histo !== undefined) {
      const h = value.histo;
      event.histograms[tag] = {
        min: h.min ?? 0,
        max: h.max ?? 0,
        num: h.num ?? 0,
        sum: h.sum ?? 0,
        sumSquares: h.sum_squares ?? 0,
        bucketLimit: h.bucket_limit ?? [],
        bucket: h.bucket ?? [],
      };
    }
  }
  return event;
}
