// Plain progress for CI logs: one aligned line per event that matters, timestamped with the run
// clock; colour only when asked (a terminal without NO_COLOR), never in a log.
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/contract/events.ts';
import { plainProgress, plainProgressLine } from '../../src/ui/plainProgress.ts';
import { phaseResult, runEvents, second, sweepEvents } from './sampleEvents.ts';

const ESC = '\x1b';

describe('plainProgressLine', () => {
  it('writes one line per run event with the run clock, phase and numbers', () => {
    const lines = runEvents().map(plainProgressLine);
    expect(lines[0]).toBe('servebench: demo: mlp on http://127.0.0.1:41234; phases: closed-8 (15s), drain (6s)');
    expect(lines[1]).toBe('[    1s] phase 1/2 closed-8 (steady) for 15s');
    expect(lines[3]).toMatch(/^\[    3s\] closed-8\s+1210 req\/s  ok   1206  p50 1\.20ms\s+p90 2\.30ms\s+p99 4\.50ms\s+max 9\.80ms\s+errors status_503=4  server CPU 0\.85 cores RSS 262\.1 MB$/);
    expect(lines[5]).toContain('phase closed-8 done: 18000 requests = 17990 ok, 10 errors, 0 timed_out, 0 cut, 0 refused, 0 dropped; 1199 rps, p50 1.10ms p99 4.40ms max 15ms');
    expect(lines[6]).toMatch(/^\[   16s\] WARNING: generator saturated/);
    expect(lines[8]).toBe('[   19s] ** shutdown-sent: SIGTERM');
    expect(lines.every((l) => l === undefined || !l.includes(ESC))).toBe(true);
  });

  it('aligns the per-second columns so a log reads as a table', () => {
    const a = plainProgressLine(second(1, 9))!;
    const b = plainProgressLine(second(2, 12_345))!;
    expect(a.indexOf('req/s')).toBe(b.indexOf('req/s'));
    expect(a.indexOf('p99')).toBe(b.indexOf('p99'));
  });

  it('writes sweep trials: i/N, the configuration, best so far and ETA', () => {
    const [, end, start] = sweepEvents().map(plainProgressLine);
    expect(end).toBe('trial 1/12 done: 1300 rps, p99 40ms with workers=1 max_batch_size=8; ETA 9m10s');
    expect(start).toBe('trial 2/12: workers=2 max_batch_size=16; best so far 1300 rps with workers=1 max_batch_size=8; ETA 9m10s');
  });

  it('says FAIL and the verdict when a fault phase fails', () => {
    const failed: RunEvent = { type: 'phase-end', atS: 9, result: phaseResult({ verdict: { kind: 'shutdown', passed: false, summary: '3 requests lost', details: {} } }) };
    expect(plainProgressLine(failed)).toContain('FAIL shutdown: 3 requests lost');
  });
});

describe('plainProgress', () => {
  it('colours warnings, markers and failures only when colour is on', () => {
    const events = runEvents();
    const plain: string[] = [];
    const coloured: string[] = [];
    events.forEach(plainProgress({ write: (l) => plain.push(l), color: false }));
    events.forEach(plainProgress({ write: (l) => coloured.push(l), color: true }));
    expect(plain.join('\n')).not.toContain(ESC);
    expect(coloured.find((l) => l.includes('WARNING'))).toMatch(/^\x1b\[33m.*\x1b\[39m$/);
    expect(coloured.find((l) => l.includes('shutdown-sent'))).toMatch(/^\x1b\[35m/);
    // The per-second lines stay uncoloured: a CI log that keeps colour still reads plainly.
    expect(coloured.find((l) => l.includes('req/s'))).not.toContain(ESC);
  });

  it('prints each second once, even when a late tick repeats it, and again from a new phase', () => {
    const lines: string[] = [];
    const print = plainProgress({ write: (l) => lines.push(l) });
    const [, phaseStart] = runEvents();
    [phaseStart, second(1, 10), second(1, 10), second(2, 20), phaseStart, second(2, 30)].forEach(print);
    expect(lines.filter((l) => l.includes('req/s')).map((l) => l.slice(0, 8))).toEqual(['[    2s]', '[    3s]', '[    3s]']);
  });

  it('still accepts a bare write function', () => {
    const lines: string[] = [];
    plainProgress((l) => lines.push(l))(runEvents()[1]);
    expect(lines).toEqual(['[    1s] phase 1/2 closed-8 (steady) for 15s']);
  });
});
