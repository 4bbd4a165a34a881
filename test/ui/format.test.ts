// The small renderings every live view shares: units a person reads, sparklines that show gaps.
import { describe, expect, it } from 'vitest';
import { formatBytes, formatConfig, formatCores, formatMachineCores, formatCounts, formatDuration, formatSlope } from '../../src/ui/format.ts';
import { sparkline, sparklineRange } from '../../src/ui/sparkline.ts';

describe('format', () => {
  it.each([
    [5, '5s'],
    [245, '4m05s'],
    [7380, '2h03m'],
    [undefined, '-'],
  ])('duration %s s reads %s', (s, text) => expect(formatDuration(s)).toBe(text));

  it('sizes, slopes, counts and configurations', () => {
    expect(formatBytes(250 * 1024 * 1024)).toBe('262.1 MB');
    expect(formatCores(185)).toBe('1.85 cores');
    expect(formatMachineCores(97, 2)).toBe('1.94 of 2 cores');
    expect(formatBytes(undefined)).toBe('-');
    expect(formatSlope(1.234)).toBe('+1.23 MB/h');
    expect(formatSlope(-36.5)).toBe('-36.5 MB/h');
    expect(formatCounts({ timeout: 1, status_503: 9, reset: 0 })).toBe('status_503=9 timeout=1');
    expect(formatCounts({ a: 5, b: 4, c: 3 }, 2)).toBe('a=5 b=4 +1 more');
    expect(formatConfig({ workers: 2, preferred_batch_sizes: [8, 16] })).toBe('workers=2 preferred_batch_sizes=8,16');
    expect(formatConfig({})).toBe('(defaults)');
  });
});

describe('sparkline', () => {
  it('scales from zero to the maximum and leaves a gap for zero', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe(' ▂▃▅█');
    expect(sparkline([5, 5, 0, 5])).toBe('██ █');
  });

  it('shows only the last `width` values', () => {
    expect(sparkline([8, 8, 1, 8], 2)).toBe('▂█');
    expect(sparkline([])).toBe('');
  });

  it('range sparklines show the shape of growth above a floor', () => {
    expect(sparklineRange([100, 100, 100])).toBe('▁▁▁');
    expect(sparklineRange([100, 104, 108])).toBe('▁▅█');
  });
});
