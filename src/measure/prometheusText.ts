// Parser for the Prometheus text exposition format (version 0.0.4). Pure.
// Lines: `# HELP name text`, `# TYPE name type`, other `#` comments, and samples
// `name{label="value",...} value [timestamp_ms]`. Label values escape \\ \" \n; HELP escapes
// \\ \n; values are Go floats, including NaN, +Inf, -Inf.
import { ServebenchError } from '../contract/errors.ts';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface PromExposition {
  samples: PromSample[];
  /** Metric family name -> counter, gauge, histogram, summary, untyped. */
  types: Record<string, string>;
  help: Record<string, string>;
}

export interface ParseOptions {
  /**
   * Sample names to keep (`name` as written, e.g. `foo_bucket`); the other sample lines are
   * skipped unread. A caller that needs three gauges every second need not scan every histogram
   * bucket of the server: that scan would hold the load generator's event loop for milliseconds.
   */
  only?: ReadonlySet<string>;
}

/** The sample name at the start of a line: up to `{`, a space or a tab. */
function leadingName(line: string): string {
  const start = line.length - line.trimStart().length;
  let end = start;
  while (end < line.length && line[end] !== '{' && line[end] !== ' ' && line[end] !== '\t') end++;
  return line.slice(start, end);
}

export function parsePrometheusText(text: string, options: ParseOptions = {}): PromExposition {
  const exposition: PromExposition = { samples: [], types: {}, help: {} };
  const { only } = options;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (line.trimStart().startsWith('#')) parseComment(line.trimStart(), exposition);
    else if (!only || only.has(leadingName(line))) exposition.samples.push(new SampleScanner(line, i + 1).sample());
  }
  return exposition;
}

function parseComment(line: string, exposition: PromExposition): void {
  const match = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(line);
  if (!match) return; // an ordinary comment
  const [, keyword, name, rest = ''] = match;
  if (keyword === 'TYPE') exposition.types[name] = rest.trim();
  else exposition.help[name] = rest.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;

/** Reads one sample line left to right, failing with the column where it went wrong. */
class SampleScanner {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly lineNo: number,
  ) {}

  sample(): PromSample {
    this.skipSpaces();
    const name = this.identifier(NAME_START, NAME_CHAR, 'metric name');
    this.skipSpaces();
    const labels = this.peek() === '{' ? this.labels() : {};
    this.skipSpaces();
    const value = parseValue(this.token('value'));
    if (value === undefined) this.fail(`value is not a number`);
    this.skipSpaces();
    const sample: PromSample = { name, labels, value: value! };
    if (this.pos < this.text.length) {
      const ts = this.token('timestamp');
      if (!/^-?\d+$/.test(ts)) this.fail(`timestamp "${ts}" is not an integer of milliseconds`);
      sample.timestampMs = Number(ts);
      this.skipSpaces();
      if (this.pos < this.text.length) this.fail('unexpected text after the timestamp');
    }
    return sample;
  }

  private labels(): Record<string, string> {
    const labels: Record<string, string> = {};
    this.pos++; // {
    for (;;) {
      this.skipSpaces();
      if (this.peek() === '}') break;
      const label = this.identifier(LABEL_START, LABEL_CHAR, 'label name');
      this.skipSpaces();
      this.expect('=');
      this.skipSpaces();
      labels[label] = this.quoted();
      this.skipSpaces();
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== '}') this.fail(`expected "," or "}" after label ${label}`);
    }
    this.pos++; // }
    return labels;
  }

  private quoted(): string {
    this.expect('"');
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) this.fail('unterminated label value');
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const escaped = this.text[this.pos++];
      if (escaped === 'n') out += '\n';
      else if (escaped === '\\' || escaped === '"') out += escaped;
      else this.fail(`unknown escape "\\${escaped ?? ''}" in label value`);
    }
  }

  private identifier(start: RegExp, rest: RegExp, what: string): string {
    const from = this.pos;
    if (!start.test(this.peek())) this.fail(`expected a ${what}`);
    while (this.pos < this.text.length && rest.test(this.text[this.pos])) this.pos++;
    return this.text.slice(from, this.pos);
  }

  private token(what: string): string {
    const from = this.pos;
    while (this.pos < this.text.length && !/[ \t]/.test(this.text[this.pos])) this.pos++;
    if (from === this.pos) this.fail(`missing ${what}`);
    return this.text.slice(from, this.pos);
  }

  private expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected "${char}"`);
    this.pos++;
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }

  private fail(message: string): never {
    throw new ServebenchError('SB_ERR_METRICS_PARSE', `metrics line ${this.lineNo}: ${message} at column ${this.pos + 1}: ${this.text}`, { details: { line: this.lineNo, column: this.pos + 1 } });
  }
}

const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Go's ParseFloat as the format uses it: decimals, exponents, NaN and ±Inf. */
export function parseValue(token: string): number | undefined {
  const lower = token.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  return FLOAT.test(token) ? Number(token) : undefined;
}
