import { afterEach, describe, expect, it } from 'vitest';
import { Heartbeat, formatDuration, progressInterval, setProgressInterval } from './heartbeat.js';

afterEach(() => {
  setProgressInterval(undefined);
  delete process.env['PIXPNET_LOG_EVERY_SECONDS'];
});

describe('progress lines without a terminal', () => {
  it('writes a line once the interval has passed, with rate, elapsed and ETA (a fake clock)', () => {
    let t = 0;
    const lines: string[] = [];
    const hb = new Heartbeat((l) => lines.push(l), () => 30, () => t);
    hb.start('epoch 1/40 joint');
    for (let b = 1; b <= 100; b++) {
      t += 1000; // one batch of 32 images a second
      hb.tick(b, 100, 32);
    }
    expect(lines).toEqual([
      'epoch 1/40 joint: 30/100 batches, 32.0 images/s, 30 s elapsed, ETA 1 min 10 s',
      'epoch 1/40 joint: 60/100 batches, 32.0 images/s, 1 min elapsed, ETA 40 s',
      'epoch 1/40 joint: 90/100 batches, 32.0 images/s, 1 min 30 s elapsed, ETA 10 s',
    ]);
    // a new stage restarts the clock and the count
    hb.start('test');
    t += 29_000;
    hb.tick(1, 2, 10);
    expect(lines).toHaveLength(3);
    t += 2000;
    hb.tick(2, 2, 10);
    expect(lines[3]).toBe('test: 2/2 batches, 0.645 images/s, 31 s elapsed, ETA 0 s');
    hb.end(2, 2);
    expect(lines[4]).toBe('test: 2/2 batches in 31 s, 0.645 images/s');
  });

  it('a stage slower than the interval writes a line at each unit', () => {
    let t = 0;
    const lines: string[] = [];
    const hb = new Heartbeat((l) => lines.push(l), () => 30, () => t);
    hb.start('push');
    for (let b = 1; b <= 3; b++) {
      t += 45_000;
      hb.tick(b, 3);
    }
    expect(lines).toEqual(['push: 1/3 batches, 45 s elapsed, ETA 1 min 30 s', 'push: 2/3 batches, 1 min 30 s elapsed, ETA 45 s', 'push: 3/3 batches, 2 min 15 s elapsed, ETA 0 s']);
  });

  it('the interval: set, else $PIXPNET_LOG_EVERY_SECONDS, else 30; nonsense is refused, naming the setting', () => {
    expect(progressInterval()).toBe(30);
    process.env['PIXPNET_LOG_EVERY_SECONDS'] = '5';
    expect(progressInterval()).toBe(5);
    setProgressInterval(0.5);
    expect(progressInterval()).toBe(0.5);
    expect(() => setProgressInterval(0)).toThrow(/--log\.every-seconds must be a number > 0, got 0/);
    setProgressInterval(undefined);
    process.env['PIXPNET_LOG_EVERY_SECONDS'] = 'often';
    expect(() => progressInterval()).toThrow(/PIXPNET_LOG_EVERY_SECONDS must be a number > 0, got 'often'/);
  });

  it('formats durations as a user reads them', () => {
    expect(formatDuration(0.4)).toBe('0 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(60)).toBe('1 min');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(3600 * 2 + 5 * 60 + 10)).toBe('2 h 05 min');
  });
});
