import { describe, expect, it } from 'vitest';
import { busyPercent, machineCpuMeter, parseProcStat, readCpuTimes, type CpuTimes } from '../../src/measure/machineCpu.ts';

// A real /proc/stat head (2 cores); guest time is part of user and must not be counted twice.
const STAT = `cpu  1569969 1948 438538 571812 1075 0 26847 0 500 0
cpu0 785776 1148 216793 287802 135 0 13632 0 0 0
cpu1 784192 799 221744 284009 939 0 13214 0 0 0
intr 123 0 0
`;

describe('machine CPU from /proc/stat', () => {
  it('reads the aggregate line: busy is everything but idle and iowait, guest left out', () => {
    const total = 1569969 + 1948 + 438538 + 571812 + 1075 + 0 + 26847 + 0;
    expect(parseProcStat(STAT)).toEqual({ total, busy: total - 571812 - 1075 });
  });

  it('says what is wrong with a file it cannot read', () => {
    expect(() => parseProcStat('cpu0 1 2 3 4\n')).toThrow(/no aggregate "cpu" line/);
    expect(() => parseProcStat('cpu  1 x 3 4\n')).toThrow(/cannot read the "cpu" line: cpu {2}1 x 3 4/);
  });

  it('turns two readings into percent busy of all cores', () => {
    expect(busyPercent({ busy: 100, total: 400 }, { busy: 250, total: 600 })).toBe(75);
    expect(busyPercent({ busy: 100, total: 400 }, { busy: 100, total: 400 })).toBeUndefined();
  });

  it('meters the interval since its previous call, nothing on the first', async () => {
    const readings: CpuTimes[] = [{ busy: 0, total: 0 }, { busy: 50, total: 200 }, { busy: 250, total: 400 }];
    const meter = machineCpuMeter(async () => readings.shift()!);
    expect(await meter()).toBeUndefined();
    expect(await meter()).toBe(25);
    expect(await meter()).toBe(100);
  });

  it('reads this machine: counters that only grow, busy within total', async () => {
    const a = await readCpuTimes();
    const b = await readCpuTimes();
    expect(a.total).toBeGreaterThan(0);
    expect(a.busy).toBeLessThanOrEqual(a.total);
    expect(b.total).toBeGreaterThanOrEqual(a.total);
    expect(b.busy).toBeGreaterThanOrEqual(a.busy);
  });
});
