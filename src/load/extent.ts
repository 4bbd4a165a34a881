// How many requests and how long a phase may run: every load loop is bounded in time and count.
import type { PhaseExtent } from '../contract/scenario.ts';
import { ServebenchError } from '../contract/errors.ts';

export interface Bounds {
  /** Requests to issue at most (Infinity when only a duration bounds the phase). */
  maxRequests: number;
  /** Milliseconds the phase may issue requests for (Infinity when only a count bounds it). */
  durationMs: number;
}

export function boundsOf(extent: PhaseExtent): Bounds {
  const { duration_s: duration, requests } = extent;
  if (duration === undefined && requests === undefined) {
    throw new ServebenchError('SB_ERR_LOAD_EXTENT', 'phase extent: set duration_s, requests or both; a load loop must be bounded');
  }
  if (duration !== undefined && !(Number.isFinite(duration) && duration > 0)) {
    throw new ServebenchError('SB_ERR_LOAD_EXTENT', `phase extent: duration_s must be a positive number of seconds, got ${duration}`);
  }
  if (requests !== undefined && !(Number.isInteger(requests) && requests > 0)) {
    throw new ServebenchError('SB_ERR_LOAD_EXTENT', `phase extent: requests must be a positive integer, got ${requests}`);
  }
  return { maxRequests: requests ?? Infinity, durationMs: duration === undefined ? Infinity : duration * 1000 };
}
