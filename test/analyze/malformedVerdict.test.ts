// The malformed verdict: every malformed request refused with a 4xx; for requests that lie about
// their length a connection closed without an answer is a refusal too, a timeout never is.
import { describe, expect, it } from 'vitest';
import { malformedVerdict } from '../../src/scenario/phaseKinds/malformed.ts';

const valid = { ok: 40 };

describe('malformedVerdict', () => {
  it('passes when every malformed request got a 4xx and every valid one succeeded', () => {
    const verdict = malformedVerdict({ valid, invalid_json: { status_400: 5 }, long_model_name: { status_404: 2, status_414: 1 } }, true);
    expect(verdict.passed).toBe(true);
    expect(verdict.summary).toBe('8 malformed requests in 2 classes: all answered 4xx; 40/40 valid requests succeeded; server ready afterwards');
  });

  it('fails a 5xx, a reset or a timeout', () => {
    for (const outcome of ['status_500', 'reset', 'timeout']) {
      const verdict = malformedVerdict({ valid, invalid_json: { status_400: 5, [outcome]: 1 } }, true);
      expect(verdict.passed, outcome).toBe(false);
      expect((verdict.details as { wrong_answers: unknown }).wrong_answers).toEqual({ invalid_json: { [outcome]: 1 } });
    }
  });

  it('counts a closed connection as a refusal only in the classes that lie about their length', () => {
    const byClass = { valid, length_over_body: { status_408: 2, reset: 3 }, invalid_json: { status_400: 5 } };
    const lying = new Set(['length_over_body', 'length_under_body']);
    const verdict = malformedVerdict(byClass, true, lying);
    expect(verdict.passed).toBe(true);
    expect(verdict.summary).toMatch(/^10 malformed requests in 2 classes: all answered 4xx \(3 with a lying length refused by closing the connection\);/);
    expect(verdict.details).toMatchObject({ closed_without_answer: 3, wrong_answers: {} });
    // Without that knowledge a close is a reset like any other.
    expect(malformedVerdict(byClass, true).passed).toBe(false);
    // A server that held the request past the client's timeout did not refuse it.
    expect(malformedVerdict({ valid, length_over_body: { timeout: 1 } }, true, lying).passed).toBe(false);
  });
});
