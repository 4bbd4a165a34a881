// The problems a parser refuses its input with (a ScenarioError's list); a test fails if it accepts it.
import { isScenarioError } from '../../src/scenario/errors.ts';

export function problemsOf(parse: () => unknown): readonly string[] {
  try {
    parse();
  } catch (err) {
    if (isScenarioError(err)) return err.problems;
    throw err;
  }
  throw new Error('expected the input to be refused');
}
