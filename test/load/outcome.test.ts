// How a request ended, from status codes and the errors Node and undici really raise.
import { describe, expect, it } from 'vitest';
import { outcomeOfError, outcomeOfStatus } from '../../src/load/outcome.ts';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('outcome classification', () => {
  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [299, 'ok'],
    [301, 'status_301'],
    [400, 'status_400'],
    [413, 'status_413'],
    [503, 'status_503'],
    [504, 'status_504'],
  ])('status %i -> %s', (status, outcome) => {
    expect(outcomeOfStatus(status)).toBe(outcome);
  });

  it.each([
    ['ECONNREFUSED', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), 'refused'],
    ['ECONNRESET', coded('ECONNRESET', 'read ECONNRESET'), 'reset'],
    ['socket hang up (no code)', new Error('socket hang up'), 'reset'],
    ['undici other side closed', coded('UND_ERR_SOCKET', 'other side closed'), 'reset'],
    ['EPIPE', coded('EPIPE', 'write EPIPE'), 'reset'],
    ['undici headers timeout', coded('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error'), 'timeout'],
    ['undici body timeout', coded('UND_ERR_BODY_TIMEOUT'), 'timeout'],
    ['undici connect timeout', coded('UND_ERR_CONNECT_TIMEOUT'), 'timeout'],
    ['AbortSignal.timeout', Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }), 'timeout'],
    ['undici aborted', coded('UND_ERR_ABORTED', 'Request aborted'), 'aborted'],
    ['AbortError', Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }), 'aborted'],
    ['fetch failed caused by ECONNREFUSED', new TypeError('fetch failed', { cause: coded('ECONNREFUSED') }), 'refused'],
    ['AggregateError of refusals', Object.assign(new AggregateError([coded('ECONNREFUSED')], ''), { code: 'ECONNREFUSED' }), 'refused'],
    ['anything else', coded('ENOTFOUND', 'getaddrinfo ENOTFOUND nope'), 'error'],
    ['not an error at all', 'boom', 'error'],
  ])('%s -> %s', (_name, err, outcome) => {
    expect(outcomeOfError(err)).toBe(outcome);
  });
});
