// Line-per-interval progress for CI logs and pipes: one line a second, readable without colour.
import type { RunEvent } from '../runner/events.ts';

const ms = (us: number) => `${(us / 1000).toFixed(us < 10_000 ? 2 : 0)}ms`;

export function plainProgressLine(event: RunEvent): string | undefined {
  switch (event.type) {
    case 'run-start':
      return `servebench: ${event.scenario}: ${event.model} on ${event.target}; phases: ${event.phases.map((p) => p.name).join(', ')}`;
    case 'phase-start':
      return `[${event.atS.toFixed(0).padStart(4)}s] phase ${event.index + 1}/${event.total} ${event.phase.name} (${event.phase.kind})${event.plannedSeconds ? ` for ${event.plannedSeconds}s` : ''}`;
    case 'second': {
      const errors = Object.entries(event.row.errors).filter(([, n]) => n > 0).map(([k, n]) => `${k}=${n}`).join(' ');
      return `[${event.atS.toFixed(0).padStart(4)}s] ${event.phase}: ${event.row.requests} req/s, ok ${event.row.ok}, p50 ${ms(event.row.p50_us)} p99 ${ms(event.row.p99_us)} max ${ms(event.row.max_us)}${errors ? `, errors ${errors}` : ''}`;
    }
    case 'marker':
      return `[${event.atS.toFixed(1).padStart(6)}s] ** ${event.kind}${event.detail ? `: ${event.detail}` : ''}`;
    case 'warning':
      return `[${event.atS.toFixed(0).padStart(4)}s] WARNING: ${event.message}`;
    case 'phase-end':
      return `[${event.atS.toFixed(0).padStart(4)}s] phase ${event.result.name} done: ${event.result.requests.ok}/${event.result.requests.sent} ok, ${event.result.throughput_rps.toFixed(0)} rps, p99 ${ms(event.result.latency_us.p99)}${event.result.verdict ? `, ${event.result.verdict.passed ? 'PASS' : 'FAIL'} ${event.result.verdict.summary}` : ''}`;
    case 'run-end':
      return undefined;
  }
}

export function plainProgress(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
  return (event: RunEvent) => {
    const line = plainProgressLine(event);
    if (line !== undefined) write(line);
  };
}
