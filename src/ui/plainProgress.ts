// Line-per-interval progress for CI logs and pipes: one line a second, each starting with the
// run clock and the phase so a log can be grepped, aligned columns, readable without colour.
// Colour (warnings, markers, FAIL) only when the stream is a terminal and NO_COLOR is unset.
import type { RunEvent } from '../contract/events.ts';
import { accountOf, shownColumns } from '../report/accounting.ts';
import { formatBytes, formatConfig, formatCores, formatCounts, formatDuration, formatRate, formatSlope } from './format.ts';
import { latencyLive } from '../format/units.ts';

const clock = (atS: number) => `[${formatDuration(atS).padStart(6)}]`;
const capacity = (rps: number | null) => (rps === null ? 'no rate met the SLO' : `${formatRate(rps)} rps`);

export function plainProgressLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-start':
      return `servebench: ${event.scenario}: ${event.model} on ${event.target}; phases: ${event.phases.map((p) => (p.plannedSeconds ? `${p.name} (${formatDuration(p.plannedSeconds)})` : p.name)).join(', ')}`;
    case 'phase-start':
      return `${clock(event.atS)} phase ${event.index + 1}/${event.total} ${event.phase.name} (${event.phase.kind})${event.plannedSeconds ? ` for ${formatDuration(event.plannedSeconds)}` : ''}`;
    case 'second': {
      const r = event.row;
      const errors = formatCounts(r.errors, 6);
      const s = event.system;
      const server = s && (s.server_cpu_percent !== undefined || s.server_rss_bytes !== undefined) ? `  server CPU ${formatCores(s.server_cpu_percent)} RSS ${formatBytes(s.server_rss_bytes)}` : '';
      const latency = [`p50 ${latencyLive(r.p50_us)}`, `p90 ${latencyLive(r.p90_us)}`, `p99 ${latencyLive(r.p99_us)}`, `max ${latencyLive(r.max_us)}`].map((c) => c.padEnd(12)).join('');
      // The second the row covers (not when the tick fired), so consecutive lines never share a time.
      return `${clock(r.t + 1)} ${event.phase.padEnd(12)} ${String(r.requests).padStart(6)} req/s  ok ${String(r.ok).padStart(6)}  ${latency}${errors ? `errors ${errors}` : ''}${server}`.trimEnd();
    }
    case 'marker':
      return `${clock(event.atS)} ** ${event.kind}${event.detail ? `: ${event.detail}` : ''}`;
    case 'warning':
      return `${clock(event.atS)} WARNING: ${event.message}`;
    case 'phase-end': {
      const r = event.result;
      const a = accountOf(r.requests.outcomes);
      const lost = shownColumns([a]).filter((c) => c !== 'ok').map((c) => `${a[c]} ${c}`).join(', ');
      return `${clock(event.atS)} phase ${r.name} done: ${a.requests} requests = ${a.ok} ok, ${lost}; ${formatRate(r.throughput_rps)} rps, p50 ${latencyLive(r.latency_us.p50)} p99 ${latencyLive(r.latency_us.p99)} max ${latencyLive(r.latency_us.max)}${r.verdict ? `, ${r.verdict.passed ? 'PASS' : 'FAIL'} ${r.verdict.kind}: ${r.verdict.summary}` : ''}`;
    }
    case 'soak-interval': {
      const memory = event.rssBytes !== undefined ? `  RSS ${formatBytes(event.rssBytes)}${event.heapUsedBytes !== undefined ? ` heap ${formatBytes(event.heapUsedBytes)}` : ''}` : '';
      const trend = event.rssSlopeMbPerHour !== undefined ? `  trend ${formatSlope(event.rssSlopeMbPerHour)} (${event.leakVerdict ?? '-'})` : '';
      return `${clock(event.atS)} soak/${formatDuration(event.durationS)} ${String(event.requests).padStart(7)} req  errors ${String(event.errors).padStart(4)}  p99 ${latencyLive(event.p99Us).padEnd(8)}${memory}${trend}`;
    }
    case 'run-end':
      return undefined;
    case 'trial-start':
      return `trial ${event.index + 1}/${event.total}: ${formatConfig(event.config)}${event.best ? `; best so far ${capacity(event.best.capacityRps)} with ${formatConfig(event.best.config)}` : ''}${event.etaS !== undefined ? `; ETA ${formatDuration(event.etaS)}` : ''}`;
    case 'trial-end':
      return `trial ${event.index + 1}/${event.total} done: ${capacity(event.capacityRps)}${event.p99Us !== undefined ? `, p99 ${latencyLive(event.p99Us)}` : ''} with ${formatConfig(event.config)}${event.etaS !== undefined ? `; ETA ${formatDuration(event.etaS)}` : ''}`;
  }
}

const ANSI = { red: '\x1b[31m', yellow: '\x1b[33m', magenta: '\x1b[35m', cyan: '\x1b[36m', reset: '\x1b[39m' } as const;

/** The colour a line gets on a terminal (none for the ordinary per-second lines). */
function toneOf(event: RunEvent): keyof typeof ANSI | undefined {
  if (event.type === 'warning') return 'yellow';
  if (event.type === 'marker') return 'magenta';
  if (event.type === 'phase-start' || event.type === 'trial-start') return 'cyan';
  if (event.type === 'phase-end' && event.result.verdict && !event.result.verdict.passed) return 'red';
  return undefined;
}

export interface PlainProgressOptions {
  write?: (line: string) => void;
  /** ANSI colour on warnings, markers and failures (decide with select.ts colorEnabled). */
  color?: boolean;
}

export function plainProgress(options: PlainProgressOptions | ((line: string) => void) = {}) {
  const { write = (line: string) => process.stderr.write(`${line}\n`), color = false } = typeof options === 'function' ? { write: options } : options;
  let lastRowT = Number.NEGATIVE_INFINITY;
  return (event: RunEvent) => {
    if (event.type === 'phase-start') lastRowT = Number.NEGATIVE_INFINITY;
    if (event.type === 'second') {
      // A late tick can hand the same second over twice: print it once.
      if (event.row.t <= lastRowT) return;
      lastRowT = event.row.t;
    }
    const line = plainProgressLine(event);
    if (line === undefined) return;
    const tone = color ? toneOf(event) : undefined;
    write(tone ? `${ANSI[tone]}${line}${ANSI.reset}` : line);
  };
}
