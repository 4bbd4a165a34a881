// Every way servebench shows a latency, side by side: each reader's format on the same values.
import { describe, expect, it } from 'vitest';
import { coresText, latencyCell, latencyLive, latencyText, mibText, msColumn, msText, rpsText } from '../../src/format/units.ts';

describe('latency formats', () => {
  it.each([
    // us, live view, summary table, prose and reports
    [850, '850µs', '850µs', '850 µs'],
    [4200, '4.20ms', '4.2ms', '4.20 ms'],
    [12_345, '12ms', '12.3ms', '12.3 ms'],
    [120_000, '120ms', '120ms', '120 ms'],
    [2_340_000, '2.3s', '2340ms', '2340 ms'],
  ])('%d µs reads %s live, %s in the summary table, %s in a report', (us, live, cell, text) => {
    expect([latencyLive(us), latencyCell(us), latencyText(us)]).toEqual([live, cell, text]);
  });

  it('marks a latency not known yet or not measured', () => {
    expect([latencyLive(0), latencyText(undefined), latencyText(null), latencyText(NaN)]).toEqual(['-', '–', '–', '–']);
  });

  it('keeps CSV columns in milliseconds with fixed decimals, and a missing value empty', () => {
    expect([msColumn(4200), msColumn(2_340_000), msColumn(0.4), msColumn(undefined)]).toEqual(['4.200', '2340.000', '0.000', '']);
  });

  it('quotes milliseconds in a sentence without trailing zeros', () => {
    expect([msText(500), msText(8_660), msText(113_000), msText(2_500, 2), msText(1_234, 2)]).toEqual(['0.5 ms', '8.7 ms', '113 ms', '2.5 ms', '1.23 ms']);
  });
});

describe('rates and memory in a sentence', () => {
  it('rounds to whole requests per second and whole MiB', () => {
    expect([rpsText(1530.4), rpsText(0.6)]).toEqual(['1530 rps', '1 rps']);
    expect(coresText(185)).toBe('1.85 cores');
    expect([mibText(412 * 2 ** 20 + 100), mibText(0.6 * 2 ** 20)]).toEqual(['412 MiB', '1 MiB']);
  });
});
