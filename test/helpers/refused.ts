// What a parser or a config check refuses its input with (a ScenarioError's problems, the server's
// SB_ERR_CONFIG); a test fails if the input is accepted.
import { expect } from 'vitest';
import { isScenarioError } from '../../src/scenario/errors.ts';
import { ServeError } from '../../src/server/errors.ts';

export function problemsOf(parse: () => unknown): readonly string[] {
  try {
    parse();
  } catch (err) {
    if (isScenarioError(err)) return err.problems;
    throw err;
  }
  throw new Error('expected the input to be refused');
}

export function configErrorOf(fn: () => unknown, code: ServeError['code'] = 'SB_ERR_CONFIG'): ServeError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ServeError);
    expect((err as ServeError).code).toBe(code);
    return err as ServeError;
  }
  throw new Error('expected a config error');
}
