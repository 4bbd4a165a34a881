// Durations, sizes, ratios and rates as people write them (`30s`, `1.5m`, `4GiB`, `10%`, `500/s`).
// Pure: used by scenario files, thresholds and command flags (`--duration 8h`, `--memory-limit 4GiB`).
import { ServebenchError } from '../contract/errors.ts';

export type DurationUnit = 'us' | 'ms' | 's' | 'm' | 'h';

const MS_PER: Record<DurationUnit, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?|\.\d+)\s*(us|µs|ms|s|m|min|h)$/;

/** The regular expression a duration string must match (shared with the JSON Schema). */
export const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d+)?|\\.\\d+)\\s*(us|µs|ms|s|m|min|h)\\s*$';

/** Drops binary floating-point noise (1.1 * 1000 = 1100.0000000000002) without losing real precision. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

function got(input: unknown): string {
  return typeof input === 'string' ? JSON.stringify(input) : String(input);
}

function unitOf(text: string): DurationUnit {
  if (text === 'µs') return 'us';
  if (text === 'min') return 'm';
  return text as DurationUnit;
}

/**
 * A duration in milliseconds. Strings carry their unit (`250ms`, `30s`, `1.5m`, `8h`, `100us`);
 * a bare number (or numeric string) is in `numberUnit`, seconds unless told.
 */
export function parseDurationMs(input: string | number, numberUnit: DurationUnit = 's'): number {
  const expected = `expected a duration like 30s, 500ms or 2h${numberUnit === 's' ? ', or a number of seconds' : ''}`;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new ServebenchError('SB_ERR_UNIT', `${expected}, got ${got(input)}`);
    return clean(input * MS_PER[numberUnit]);
  }
  if (typeof input !== 'string') throw new ServebenchError('SB_ERR_UNIT', `${expected}, got ${got(input)}`);
  const text = input.trim();
  if (/^(\d+(\.\d+)?|\.\d+)$/.test(text)) return clean(Number(text) * MS_PER[numberUnit]);
  const match = DURATION_RE.exec(text);
  if (!match) throw new ServebenchError('SB_ERR_UNIT', `${expected}, got ${got(input)}`);
  return clean(Number(match[1]) * MS_PER[unitOf(match[2])]);
}

/** A duration in seconds; see parseDurationMs. */
export function parseDurationSeconds(input: string | number, numberUnit: DurationUnit = 's'): number {
  return clean(parseDurationMs(input, numberUnit) / 1000);
}

const SIZE_FACTOR: Record<string, number> = {
  b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};
const SIZE_RE = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)?$/i;

/** A size in bytes: `512MB` (decimal), `4GiB` (binary), `1024` (bytes). Case does not matter. */
export function parseSize(input: string | number): number {
  const expected = 'expected a size like 512MB, 4GiB or a number of bytes';
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new ServebenchError('SB_ERR_UNIT', `${expected}, got ${got(input)}`);
    return Math.round(input);
  }
  const match = typeof input === 'string' ? SIZE_RE.exec(input.trim()) : null;
  const factor = match ? SIZE_FACTOR[(match[2] ?? 'b').toLowerCase()] : undefined;
  if (!match || factor === undefined) throw new ServebenchError('SB_ERR_UNIT', `${expected}, got ${got(input)}`);
  return Math.round(Number(match[1]) * factor);
}

const SECONDS_PER: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, hour: 3600 };

/** A memory growth rate, `5MB/h`, `1.5 GiB/hour`, `100KB/s` -> MB/hour (10^6 bytes). */
export function parseGrowthRate(text: string): number {
  const match = /^(.+?)\s*\/\s*([a-z]+)$/i.exec(text.trim());
  const per = match ? SECONDS_PER[match[2].toLowerCase()] : undefined;
  if (!match || per === undefined) throw new ServebenchError('SB_ERR_UNIT', `expected a growth rate like 5MB/h, got ${JSON.stringify(text)}`);
  return (parseSize(match[1]) / 1e6) * (3600 / per);
}

/** `30%`, `2.5 %`: the number of percent in group 1. */
export const PERCENT_RE = /^(\d+(?:\.\d+)?|\.\d+)\s*%$/;
const PLAIN_RE = /^(\d+(?:\.\d+)?|\.\d+)$/;

/** A percentage as a number of percent: `30%` -> 30, `30` -> 30. */
export function parsePercent(input: string | number): number {
  const expected = 'expected a percentage like 30% or a number between 0 and 100';
  const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : '';
  const match = PERCENT_RE.exec(text) ?? PLAIN_RE.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!(value >= 0 && value <= 100)) throw new ServebenchError('SB_ERR_UNIT', `${expected}, got ${got(input)}`);
  return value;
}

/** A ratio in [0, 1]: `0.1`, or a percentage `10%` -> 0.1. */
export function parseRatio(input: string | number): number {
  const expected = 'expected a ratio between 0 and 1 or a percentage like 10%';
  const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : '';
  const percent = PERCENT_RE.exec(text);
  const plain = PLAIN_RE.exec(text);
  const value = percent ? clean(Number(percent[1]) / 100) : plain ? Number(plain[1]) : NaN;
  if (!(value >= 0 && value <= 1)) throw new ServebenchError('SB_ERR_UNIT', `${expected}, got ${got(input)}`);
  return value;
}

const RATE_RE = /^(\d+(?:\.\d+)?|\.\d+)\s*(\/s|\/sec|rps|req\/s|\/m|\/min)?$/;

/** Requests per second: `500/s`, `500rps`, `500 req/s`, `30000/min`, `500`. */
export function parseRate(input: string | number): number {
  const expected = 'expected a rate like 500/s';
  const text = typeof input === 'number' ? String(input) : typeof input === 'string' ? input.trim() : '';
  const match = RATE_RE.exec(text);
  if (!match) throw new ServebenchError('SB_ERR_UNIT', `${expected}, got ${got(input)}`);
  const perMinute = match[2] === '/m' || match[2] === '/min';
  return clean(Number(match[1]) / (perMinute ? 60 : 1));
}
