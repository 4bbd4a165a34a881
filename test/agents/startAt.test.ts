// The agent's --shard and --start-at, refused with one line naming what to give.
import { describe, expect, it } from 'vitest';
import { offsetFromDateTick } from '../../src/agents/clock.ts';
import { parseShard, parseStartAt } from '../../src/agents/startAt.ts';
import { isServebenchError } from '../../src/contract/errors.ts';

const NOW = Date.parse('2026-12-07T10:00:00.000Z');

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(isServebenchError(err, 'SB_ERR_AGENT_SHARD', 'SB_ERR_AGENT_START_AT')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('not refused');
}

describe('--shard', () => {
  it('reads I/N', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
  });

  it.each([
    ['0/0', /N is the number of agents and must be at least 1/],
    ['1/0', /must be at least 1/],
    ['3/3', /agent index 3 is out of range for 3 agents \(0\.\.2\)/],
    ['a/b', /expected I\/N/],
    ['-1/3', /expected I\/N/],
    ['1', /expected I\/N/],
  ])('refuses %s', (value, message) => {
    const text = refusal(() => parseShard(value));
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});

describe('--start-at', () => {
  it('reads ISO 8601 with a zone and ms since the epoch', () => {
    expect(parseStartAt('2026-12-07T10:00:05Z', NOW)).toBe(NOW + 5000);
    expect(parseStartAt('2026-12-07T11:00:05.250+01:00', NOW)).toBe(NOW + 5250);
    expect(parseStartAt(String(NOW + 3000), NOW)).toBe(NOW + 3000);
    expect(parseStartAt('2026-12-07T09:59:50Z', NOW)).toBe(NOW - 10_000); // a late pod starts at once, its lag reported
  });

  it.each([
    ['tomorrow', /not a time/],
    ['2026-12-07T10:00:05', /not a time/], // no zone: each pod would read it in its own
    ['2026-12-07T09:00:00Z', /3600 s in the past/],
    [String(Math.floor(NOW / 1000)), /in the past/], // seconds given where ms were meant
    ['2027-12-07T10:00:00Z', /more than a day ahead/],
  ])('refuses %s', (value, message) => {
    const text = refusal(() => parseStartAt(value, NOW));
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });
});

describe('clock offset from the Date header', () => {
  it('reads the offset where the Date turns a second, within half the bracketing interval', () => {
    // The server's clock is 300 ms ahead: its second 10:00:01 begins at local 10:00:00.700.
    const server = (localMs: number) => Math.floor((localMs + 300) / 1000) * 1000;
    const exchanges = [600, 650, 690, 704, 750].map((sent) => ({ sentMs: NOW + sent, receivedMs: NOW + sent + 2, dateMs: server(NOW + sent + 1) }));
    const reading = offsetFromDateTick(exchanges);
    expect(reading.source).toBe('target-http-date');
    expect(Math.abs(reading.offset_ms! - 300)).toBeLessThanOrEqual(reading.uncertainty_ms!);
    expect(reading.uncertainty_ms).toBeLessThanOrEqual(8);
  });

  it('says so when the Date never turned', () => {
    expect(offsetFromDateTick([{ sentMs: 0, receivedMs: 1, dateMs: 0 }, { sentMs: 5, receivedMs: 6, dateMs: 0 }])).toMatchObject({ source: 'none' });
  });
});
