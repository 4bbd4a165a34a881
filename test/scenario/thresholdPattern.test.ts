// The schema's threshold pattern (what editors check as you type) and parseThreshold (what the
// loader checks) must accept the same strings: every threshold in the example scenarios and the
// tests, every quoted "a < b" string in the tests, and a seeded fuzz of threshold-like strings.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, parseScenario } from '../../src/scenario/load.ts';
import { mulberry32 } from '../../src/analyze/random.ts';
import { parseThreshold, THRESHOLD_PATTERN } from '../../src/scenario/thresholds.ts';

// Ajv and editors compile schema patterns with the `u` flag.
const pattern = new RegExp(THRESHOLD_PATTERN, 'u');

function parses(expression: string): boolean {
  try {
    parseThreshold(expression);
    return true;
  } catch {
    return false;
  }
}

async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(ext)).map((e) => path.join(e.parentPath, e.name));
}

/** The `thresholds` of a scenario document and of each of its phases. */
function thresholdsOf(doc: { thresholds?: string | string[]; phases?: { thresholds?: string | string[] }[] }): string[] {
  const list = (t: string | string[] | undefined) => (t === undefined ? [] : Array.isArray(t) ? t : [t]);
  return [...list(doc?.thresholds), ...(Array.isArray(doc?.phases) ? doc.phases.flatMap((p) => list(p?.thresholds)) : [])];
}

const scenarioThresholds = (
  await Promise.all((await filesUnder(path.join(PACKAGE_ROOT, 'scenarios'), '.yaml')).map(async (f) => thresholdsOf(parseYaml(await readFile(f, 'utf8')))))
).flat();

// Quoted strings with a comparison in the test sources: thresholds, and many strings that are not.
const quoted = /(['"`])((?:(?!\1)[^\\\n])*?(?:<=|>=|<|>)(?:(?!\1)[^\\\n])*?)\1/g;
const testStrings = [
  ...new Set(
    (await Promise.all((await filesUnder(path.join(PACKAGE_ROOT, 'test'), '.ts')).map(async (f) => [...(await readFile(f, 'utf8')).matchAll(quoted)].map((m) => m[2])))).flat(),
  ),
];

const METRICS = ['p99', 'P99', 'p98', 'p999', 'p(99)', 'p( 99.9 )', 'P(99)', 'p(99.90)', 'mean', 'MAX', 'min', 'error_rate', 'Error_Rate', 'throughput', 'rps', 'RPS', 'latency', 'p50', 'p95'];
const OPS = ['<', '<=', '>', '>=', '=', '=<', '<<', ''];
const NUMBERS = ['50', '0', '.5', '5.', '1', '1.0', '01', '0.001', '100', '100.0', '100.5', '101', '99.99', '007', '-1', '1e3', ''];
const UNITS = ['ms', 'us', 'µs', 's', 'm', 'min', 'h', 'MS', 'sec', '%', '/s', '/sec', 'rps', 'req/s', '/m', '/min', '/h', ''];
const SPACES = ['', '', ' ', '  ', '\t', '\n'];

function fuzzed(count: number): string[] {
  const random = mulberry32(20);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  return Array.from({ length: count }, () => `${pick(SPACES)}${pick(METRICS)}${pick(SPACES)}${pick(OPS)}${pick(SPACES)}${pick(NUMBERS)}${pick(SPACES)}${pick(UNITS)}${pick(SPACES)}`);
}

describe('the schema pattern for thresholds', () => {
  it('accepts every threshold of the example scenarios', () => {
    expect(scenarioThresholds.length).toBeGreaterThan(5);
    for (const expression of scenarioThresholds) expect(pattern.test(expression), expression).toBe(true);
  });

  it('agrees with parseThreshold on every quoted comparison in the tests', () => {
    const accepted = testStrings.filter(parses);
    expect(accepted).toEqual(expect.arrayContaining(['p99 < 50ms', 'error_rate < 1%', 'throughput > 500/s', 'p(99.9) < 80ms']));
    for (const text of testStrings) expect(pattern.test(text), JSON.stringify(text)).toBe(parses(text));
  });

  it('agrees with parseThreshold on 20000 fuzzed threshold-like strings', () => {
    const strings = fuzzed(20_000);
    const disagreements = strings.filter((text) => pattern.test(text) !== parses(text));
    expect(disagreements).toEqual([]);
    // The fuzz must reach both sides, or it proves nothing.
    expect(strings.filter(parses).length).toBeGreaterThan(500);
  });

  it.each(['p98 < 10ms', 'p99 < 50', 'p99 = 50ms', 'error_rate < 5', 'error_rate < 101%', 'throughput > lots', 'P(99) < 1ms', 'p99 < 50\nms'])('refuses %j, as the parser does', (expression) => {
    expect(pattern.test(expression)).toBe(false);
    expect(parses(expression)).toBe(false);
  });

  it('makes the loader name the part that is wrong, as before the schema checked it', () => {
    expect(() => parseScenario({ model: 'mlp', phases: [{ kind: 'steady', duration: 1, rate: 1 }], thresholds: ['p98 < 10ms'] }, 'x.yaml')).toThrow(
      'thresholds[0]: "p98 < 10ms": unknown metric "p98", expected one of min, mean, p50, p90, p95, p99, p999, max, error_rate, throughput, rps',
    );
  });
});
