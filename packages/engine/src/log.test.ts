import { afterEach, describe, expect, it } from 'vitest';
import { formatLine, getLogLevel, log, parseLogLevel, setLogLevel, setLogSink } from './log.js';

afterEach(() => {
  setLogLevel(undefined);
  delete process.env['PIXPNET_LOG_LEVEL'];
});

function capture(fn: () => void): string[] {
  const lines: string[] = [];
  const prev = setLogSink((l) => lines.push(l));
  try {
    fn();
  } finally {
    setLogSink(prev);
  }
  return lines;
}

describe('log', () => {
  it('formats lines as <ISO time>[<pid>][<LEVEL>] <message>', () => {
    expect(formatLine('INFO', 'hello', new Date('2026-01-02T03:04:05.678Z'))).toBe(`2026-01-02T03:04:05.678Z[${process.pid}][INFO] hello`);
    const [line] = capture(() => log.warning('careful'));
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\[\d+\]\[WARNING\] careful$/);
  });

  it('honours PIXPNET_LOG_LEVEL', () => {
    process.env['PIXPNET_LOG_LEVEL'] = 'warning';
    expect(getLogLevel()).toBe('WARNING');
    expect(capture(() => { log.debug('d'); log.info('i'); log.warning('w'); log.error('e'); }).map((l) => l.split('] ')[1]))
      .toEqual(['w', 'e']);
    process.env['PIXPNET_LOG_LEVEL'] = 'DEBUG';
    expect(capture(() => log.debug('d'))).toHaveLength(1);
  });

  it('defaults to INFO, and says so once for an unknown level', () => {
    expect(getLogLevel()).toBe('INFO');
    process.env['PIXPNET_LOG_LEVEL'] = 'LOUD';
    const lines = capture(() => { log.debug('hidden'); log.info('shown'); log.info('again'); });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/\[WARNING\] PIXPNET_LOG_LEVEL: Unknown log level 'LOUD': use one of DEBUG, INFO, WARNING, ERROR/);
  });

  it('lets a flag override the environment, and rejects unknown names', () => {
    process.env['PIXPNET_LOG_LEVEL'] = 'ERROR';
    setLogLevel(parseLogLevel('warn'));
    expect(getLogLevel()).toBe('WARNING');
    expect(() => parseLogLevel('verbose')).toThrow(/use one of DEBUG, INFO, WARNING, ERROR/);
  });
});
