// How a request ended, from the client's side (see Outcome in types.ts). Pure: status codes and
// error objects in, an outcome out, so the table is unit-tested without a network.
import type { Outcome } from './types.ts';

export function outcomeOfStatus(status: number): Outcome {
  return status >= 200 && status < 300 ? 'ok' : `status_${status}`;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'SB_CLIENT_TIMEOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE', 'HPE_INVALID_EOF_STATE']);
const REFUSED_CODES = new Set(['ECONNREFUSED']);
const ABORTED_CODES = new Set(['UND_ERR_ABORTED', 'ABORT_ERR', 'SB_CLIENT_ABORTED']);

function codesOf(err: unknown): { codes: string[]; names: string[]; messages: string[] } {
  const codes: string[] = [];
  const names: string[] = [];
  const messages: string[] = [];
  // Walk the cause chain: undici wraps socket errors (`fetch failed` -> cause ECONNREFUSED).
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.code === 'string') codes.push(e.code);
    if (typeof e.name === 'string') names.push(e.name);
    if (typeof e.message === 'string') messages.push(e.message);
    // AggregateError (happy-eyeballs connect to several addresses): the first inner error speaks for it.
    current = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
  }
  return { codes, names, messages };
}

/** A transport error (no HTTP status) as an outcome. */
export function outcomeOfError(err: unknown): Outcome {
  const { codes, names, messages } = codesOf(err);
  const hasCode = (set: Set<string>) => codes.some((c) => set.has(c));
  if (hasCode(REFUSED_CODES)) return 'refused';
  if (hasCode(TIMEOUT_CODES) || names.includes('TimeoutError')) return 'timeout';
  if (hasCode(ABORTED_CODES) || names.includes('AbortError')) return 'aborted';
  if (hasCode(RESET_CODES) || messages.some((m) => /socket hang up|other side closed|ECONNRESET/i.test(m))) return 'reset';
  return 'error';
}
