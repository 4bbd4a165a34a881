// The run's monotonic clock, in microseconds (RequestSample's unit).
import { performance } from 'node:perf_hooks';

export function nowUs(): number {
  return performance.now() * 1000;
}
