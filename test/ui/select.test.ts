// Mode selection and colour: the dashboard only for a person at a terminal; NO_COLOR always wins.
import { describe, expect, it } from 'vitest';
import { colorEnabled, isCI, selectLiveMode, type LiveMode } from '../../src/ui/select.ts';

describe('selectLiveMode', () => {
  const cases: [string, { flags?: string[]; env?: Record<string, string>; tty: boolean }, LiveMode][] = [
    ['a terminal gets the dashboard', { tty: true }, 'dashboard'],
    ['a pipe or file gets plain lines', { tty: false }, 'plain'],
    ['--no-dashboard on a terminal gets plain lines', { tty: true, flags: ['no-dashboard'] }, 'plain'],
    ['CI=true on a terminal gets plain lines', { tty: true, env: { CI: 'true' } }, 'plain'],
    ['CI=1 counts as CI', { tty: true, env: { CI: '1' } }, 'plain'],
    ['CONTINUOUS_INTEGRATION counts as CI', { tty: true, env: { CONTINUOUS_INTEGRATION: 'yes' } }, 'plain'],
    ['CI=false is not CI', { tty: true, env: { CI: 'false' } }, 'dashboard'],
    ['CI=0 is not CI', { tty: true, env: { CI: '0' } }, 'dashboard'],
    ['TERM=dumb cannot redraw', { tty: true, env: { TERM: 'dumb' } }, 'plain'],
    ['--quiet shows nothing, even on a terminal', { tty: true, flags: ['quiet'] }, 'quiet'],
    ['--quiet wins over --no-dashboard', { tty: false, flags: ['quiet', 'no-dashboard'] }, 'quiet'],
    ['NO_COLOR does not change the mode', { tty: true, env: { NO_COLOR: '1' } }, 'dashboard'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(selectLiveMode({ flags: new Set(input.flags ?? []), env: input.env ?? {}, stdoutIsTTY: input.tty })).toBe(expected);
  });
});

describe('colorEnabled', () => {
  const cases: [string, Record<string, string>, boolean, boolean][] = [
    ['colour on a terminal', {}, true, true],
    ['no colour off a terminal', {}, false, false],
    ['NO_COLOR=1 turns it off', { NO_COLOR: '1' }, true, false],
    ['NO_COLOR with any value turns it off', { NO_COLOR: 'false' }, true, false],
    ['an empty NO_COLOR is ignored (no-color.org)', { NO_COLOR: '' }, true, true],
    ['TERM=dumb has no colour', { TERM: 'dumb' }, true, false],
  ];
  it.each(cases)('%s', (_name, env, tty, expected) => {
    expect(colorEnabled(env, tty)).toBe(expected);
  });
});

it('isCI reads CI the way CI systems set it', () => {
  expect(isCI({ CI: 'true' })).toBe(true);
  expect(isCI({ CI: 'FALSE' })).toBe(false);
  expect(isCI({})).toBe(false);
  expect(isCI({ CI: '' })).toBe(false);
});
