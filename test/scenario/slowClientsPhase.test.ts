// The slow-clients phase as written in a scenario: its defaults, and each mistake named at its field.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { problemsOf as refusedWith } from '../helpers/refused.ts';

const options = { baseDir: '/work/scenarios', malformedClasses: () => undefined };
const parse = (phase: object) => parseScenario({ model: 'mlp', phases: [{ kind: 'slow-clients', duration: '5s', rate: 50, ...phase }] }, 'slow.yaml', options);

const problemsOf = (phase: object) => refusedWith(() => parse(phase));

describe('the slow-clients phase', () => {
  it('defaults to 300 clients, half withholding and half trickling, each to be cut within 60 s', () => {
    expect(parse({}).phases[0]).toMatchObject({ kind: 'slow-clients', clients: 300, stall: 'mixed', cut_within_s: 60, load: { mode: 'open', rate: 50 } });
    expect(parse({ clients: 20, stall: 'trickle', cut_within: '2m' }).phases[0]).toMatchObject({ clients: 20, stall: 'trickle', cut_within_s: 120 });
  });

  it('names each mistake at its field', () => {
    const problems = problemsOf({ clients: 0, stall: 'sleep', cut_within: 'soon' });
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^phases\[0\]\.clients: /),
      expect.stringMatching(/^phases\[0\]\.stall: /),
      expect.stringMatching(/^phases\[0\]\.cut_within: /),
    ]));
  });
});
