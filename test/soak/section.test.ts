// The soak section as a user writes it: validated with field paths, flags laid over it, defaults
// that scale with the duration, thresholds in their own units, and a schema editors can use.
import { Ajv } from 'ajv';
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenario/errors.ts';
import type { ServebenchError } from '../../src/contract/errors.ts';
import { loadSoakScenario } from '../../src/soak/load.ts';
import { parseSoakSection, SOAK_SECTION_SCHEMA } from '../../src/soak/section.ts';
import { resolveSoakSettings } from '../../src/soak/settings.ts';
import { parseGrowthRate, parseSoakThreshold } from '../../src/soak/thresholds.ts';
import { REPO_ROOT } from '../helpers/servers.ts';

function problems(raw: unknown): string[] {
  try {
    parseSoakSection(raw, 'x.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return [...(err as ScenarioError).problems];
  }
  return [];
}

describe('the soak section', () => {
  it('reads durations, rates and sizes as people write them, and the resolved names too', () => {
    expect(parseSoakSection({ duration: '8h', rate: '300/s', interval: '10s', warmup: '2m', memory_limit: '4GiB', thresholds: ['rss_slope < 5MB/h'] }, 'x')).toEqual({
      duration_s: 28_800, rate: 300, interval_s: 10, warmup_s: 120, memory_limit_bytes: 4 * 2 ** 30, thresholds: ['rss_slope < 5MB/h'],
    });
    expect(parseSoakSection({ duration_s: 600, memory_limit_bytes: 1000, warmup: 0 }, 'x')).toEqual({ duration_s: 600, memory_limit_bytes: 1000, warmup_s: 0 });
    expect(parseSoakSection(undefined, 'x')).toEqual({});
  });

  it('reports every problem at once, in file order, each naming its field under soak', () => {
    expect(problems({ duraton: '1h', rate: 'fast', interval: '-3s', memory_limit: 'lots', thresholds: ['p99 < 50ms', 'rss_slope > 1MB/h', 'rss_slope < 5 parsecs'] })).toEqual([
      'soak.duraton: unknown field, did you mean "duration"?',
      'soak.rate: expected a rate like 300 or 300/s, got "fast"',
      'soak.interval: expected a duration like 30s, 500ms or 2h, or a number of seconds, got "-3s"',
      'soak.memory_limit: expected a size like 4GiB or 512MB, got "lots"',
      'soak.thresholds[0]: "p99 < 50ms": unknown soak metric "p99", expected one of rss_slope, heap_slope, external_slope, p99_drift; latency, error and throughput limits go in the scenario\'s thresholds (evaluated over the soak after its warm-up)',
      'soak.thresholds[1]: "rss_slope > 1MB/h": soak thresholds are upper bounds: use < or <=',
      'soak.thresholds[2]: "rss_slope < 5 parsecs": expected a growth rate like 5MB/h',
    ]);
    expect(problems({ memory_limit: '1GB', memory_limit_bytes: 5 })).toEqual(['soak.memory_limit_bytes: same as memory_limit: give one of memory_limit or memory_limit_bytes, not both']);
    expect(problems('8h')).toEqual(['soak: expected an object like {duration: 8h, rate: 300}, got "8h"']);
  });

  it('gives the line of a problem in a scenario file', async () => {
    const err = await loadSoakScenario(`${REPO_ROOT}test/soak/fixtures/bad-soak.yaml`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).issues[0]).toMatchObject({ path: 'soak.rate', line: 6 });
  });
});

describe('soak thresholds', () => {
  it('convert growth rates to MB/hour (10^6 bytes) and drift to percent', () => {
    expect(parseGrowthRate('5MB/h')).toBe(5);
    expect(parseGrowthRate('1 GB/hour')).toBe(1000);
    expect(parseGrowthRate('1KB/s')).toBeCloseTo(3.6);
    expect(parseGrowthRate('1MiB/min')).toBeCloseTo(62.91456);
    expect(parseSoakThreshold('p99_drift <= 150%')).toMatchObject({ metric: 'p99_drift', op: '<=', value: 150, unit: '%' });
    expect(parseSoakThreshold(' heap_slope < 2MB/h ')).toMatchObject({ metric: 'heap_slope', value: 2, expression: 'heap_slope < 2MB/h' });
  });
});

describe('soak settings', () => {
  it('scale the interval and warm-up with the duration: 30 s to try it, 8 h overnight', () => {
    const short = resolveSoakSettings({}, { duration_s: 30 });
    expect(short).toMatchObject({ duration_s: 30, interval_s: 1, warmup_s: 6, capacity_share: 0.5, probe_duration_s: 5, thresholds: ['rss_slope < 5MB/h', 'p99_drift < 10%'] });
    expect(short.rate).toBeUndefined();
    expect(resolveSoakSettings({}, { duration_s: 28_800 })).toMatchObject({ interval_s: 10, warmup_s: 120 });
  });

  it('let flags win over the scenario', () => {
    const settings = resolveSoakSettings({ duration_s: 600, rate: 100, memory_limit_bytes: 1 }, { duration_s: 60, rate: 250 });
    expect(settings).toMatchObject({ duration_s: 60, rate: 250, memory_limit_bytes: 1 });
  });

  it('refuse a soak with no duration or a warm-up that leaves nothing to fit, saying what to change', () => {
    expect(() => resolveSoakSettings({})).toThrow(/--duration/);
    const err = (() => {
      try {
        resolveSoakSettings({ warmup_s: 120 }, { duration_s: 30 });
      } catch (e) {
        return e as ServebenchError;
      }
    })();
    expect(err?.code).toBe('SB_ERR_SOAK_SETTINGS');
    expect(err?.message).toContain('warm-up 2m is not shorter than the soak (30s)');
  });
});

describe('the soak section schema fragment', () => {
  it('accepts the example scenarios\' sections and rejects a misspelt field', async () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(SOAK_SECTION_SCHEMA);
    for (const file of ['soak.yaml', 'soak-leak.yaml']) {
      const data = parseYaml(await readFile(`${REPO_ROOT}scenarios/${file}`, 'utf8')) as { soak: unknown };
      expect(validate(data.soak), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(() => parseSoakSection(data.soak, file)).not.toThrow();
    }
    expect(validate({ duraton: '1h' })).toBe(false);
  });
});
