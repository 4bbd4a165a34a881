import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseDurationSeconds, parsePercent, parseRate, parseRatio, parseSize } from '../../src/scenario/units.ts';
import { formatDurationMs, formatPercent, formatSize } from '../../src/format/units.ts';
import { ServebenchError } from '../../src/contract/errors.ts';

describe('parseDurationMs', () => {
  it.each([
    ['30s', 30_000],
    ['1.5m', 90_000],
    ['250ms', 250],
    ['8h', 28_800_000],
    ['100us', 0.1],
    ['100µs', 0.1],
    ['2min', 120_000],
    [' 1.1s ', 1100],
    ['.5s', 500],
    ['0s', 0],
    [45, 45_000],
    ['45', 45_000],
    [0.25, 250],
  ] as const)('reads %j as %d ms', (input, ms) => {
    expect(parseDurationMs(input)).toBe(ms);
  });

  it('takes bare numbers in the unit asked for', () => {
    expect(parseDurationMs(1500, 'ms')).toBe(1500);
    expect(parseDurationMs('1500', 'ms')).toBe(1500);
    expect(parseDurationMs('2s', 'ms')).toBe(2000);
    expect(parseDurationSeconds('1500ms')).toBe(1.5);
  });

  it.each(['fast', '10 parsecs', '-3s', '1e3s', '', '5 s s'])('refuses %j, saying what a duration looks like', (input) => {
    expect(() => parseDurationMs(input)).toThrow(new ServebenchError('SB_ERR_UNIT', `expected a duration like 30s, 500ms or 2h, or a number of seconds, got ${JSON.stringify(input)}`));
  });

  it('refuses negative and non-finite numbers', () => {
    expect(() => parseDurationMs(-1)).toThrow('got -1');
    expect(() => parseDurationMs(Number.POSITIVE_INFINITY)).toThrow('got Infinity');
  });

  it('errors carry a stable code', () => {
    expect(() => parseDurationMs('x')).toThrow(expect.objectContaining({ code: 'SB_ERR_UNIT' }));
  });
});

describe('formatDurationMs', () => {
  it.each([
    [0, '0ms'],
    [0.25, '250us'],
    [63.2, '63.2ms'],
    [1500, '1.5s'],
    [120_000, '2m'],
    [28_800_000, '8h'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});

describe('parseSize', () => {
  it.each([
    ['4GiB', 4 * 2 ** 30],
    ['512MB', 512e6],
    ['512mb', 512e6],
    ['1.5KiB', 1536],
    ['100B', 100],
    ['2048', 2048],
    [1024, 1024],
    ['1TiB', 2 ** 40],
  ] as const)('reads %j as %d bytes', (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  it.each(['4 gigs', 'GiB', '-1MB', '1.2.3MB'])('refuses %j', (input) => {
    expect(() => parseSize(input)).toThrow(`expected a size like 512MB, 4GiB or a number of bytes, got ${JSON.stringify(input)}`);
  });

  it('formats bytes in binary units', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KiB');
    expect(formatSize(4 * 2 ** 30)).toBe('4 GiB');
  });
});

describe('percentages, ratios and rates', () => {
  it.each([['30%', 30], [30, 30], ['0.5 %', 0.5], ['100', 100]] as const)('parsePercent reads %j as %d', (input, percent) => {
    expect(parsePercent(input)).toBe(percent);
  });

  it('parsePercent refuses more than 100 and words', () => {
    expect(() => parsePercent('130%')).toThrow('expected a percentage like 30% or a number between 0 and 100, got "130%"');
    expect(() => parsePercent('lots')).toThrow('got "lots"');
  });

  it.each([['10%', 0.1], ['0.1%', 0.001], [0.25, 0.25], ['1', 1], ['0', 0]] as const)('parseRatio reads %j as %d', (input, ratio) => {
    expect(parseRatio(input)).toBe(ratio);
  });

  it('parseRatio refuses ratios above 1', () => {
    expect(() => parseRatio(5)).toThrow('expected a ratio between 0 and 1 or a percentage like 10%, got 5');
    expect(() => parseRatio('150%')).toThrow('got "150%"');
  });

  it('formats ratios as percentages', () => {
    expect(formatPercent(0.001)).toBe('0.1%');
    expect(formatPercent(0.0052)).toBe('0.52%');
  });

  it.each([['500/s', 500], ['500rps', 500], ['500 req/s', 500], ['30000/min', 500], [250, 250], ['12.5', 12.5]] as const)(
    'parseRate reads %j as %d per second',
    (input, rps) => {
      expect(parseRate(input)).toBe(rps);
    },
  );

  it('parseRate refuses other units', () => {
    expect(() => parseRate('500/h')).toThrow('expected a rate like 500/s, got "500/h"');
  });
});
