// malformed: valid traffic mixed with malformed requests of the model's corpus; every malformed
// one must get its 4xx (never a 5xx or a reset), valid ones keep succeeding, the server stays ready.
import type { Verdict } from '../../contract/results.ts';
import type { MalformedPhase } from '../../contract/scenario.ts';
import { createMalformedMix } from '../../load/malformed.ts';
import { corpusCasesFor, lengthLieClasses } from '../../load/malformedCorpus.ts';
import { closest, type FieldPath } from '../errors.ts';
import { readUnit } from '../fields.ts';
import type { PhaseInput } from '../input.ts';
import type { PhaseContext } from '../phases.ts';
import { PERCENT_PATTERN, withMessage } from '../schemaParts.ts';
import { parsePercent } from '../units.ts';
import { formatNumber } from '../../format/units.ts';
import { loadPhase, passiveDriver, phaseSchema, sum } from './common.ts';
import type { PhaseKindModule } from './kind.ts';

interface MalformedInput extends PhaseInput {
  mix?: Record<string, number | string>;
}

function resolveMix(raw: MalformedInput, path: FieldPath, ctx: PhaseContext): Record<string, number> {
  const { problems } = ctx;
  const mix: Record<string, number> = {};
  if (raw.mix === undefined) {
    problems.add([...path, 'mix'], 'expected a map of malformed class to percentage, like {invalid_json: 5}, got nothing');
    return mix;
  }
  const classes = ctx.malformedClasses();
  let total = 0;
  for (const [name, value] of Object.entries(raw.mix)) {
    const at = [...path, 'mix', name];
    if (classes && !classes.includes(name)) {
      const guess = closest(name, classes);
      problems.add(at, `unknown malformed class for model ${ctx.model}, ${guess ? `did you mean "${guess}"?` : `expected one of ${classes.join(', ')}`}`);
    }
    const percent = readUnit(value, parsePercent, at, problems);
    if (percent === undefined) continue;
    mix[name] = percent;
    total += percent;
  }
  if (total > 100 + 1e-9) problems.add([...path, 'mix'], `expected percentages that add up to at most 100, got ${formatNumber(total)}`);
  return mix;
}

const isClientError = (outcome: string) => /^status_4\d\d$/.test(outcome);
/**
 * malformed: every malformed request got a 4xx (none a 5xx or reset), valid ones kept succeeding, server ready after.
 * For the classes in `closeRefuses` (requests that lie about their length) a connection the server
 * closed without an answer is a refusal too; the client's request timeout bounds how long it may take.
 */
export function malformedVerdict(byClass: Record<string, Record<string, number>>, readyAfter: boolean, closeRefuses: ReadonlySet<string> = new Set()): Verdict {
  const malformed = Object.entries(byClass).filter(([cls]) => cls !== 'valid');
  const badAnswers: Record<string, Record<string, number>> = {};
  let malformedTotal = 0;
  let closedWithoutAnswer = 0;
  for (const [cls, outcomes] of malformed) {
    malformedTotal += sum(outcomes);
    const refusedByClose = (o: string) => o === 'reset' && closeRefuses.has(cls);
    const wrong = Object.fromEntries(Object.entries(outcomes).filter(([o]) => !isClientError(o) && o !== 'dropped' && !refusedByClose(o)));
    if (Object.keys(wrong).length > 0) badAnswers[cls] = wrong;
    if (closeRefuses.has(cls)) closedWithoutAnswer += outcomes.reset ?? 0;
  }
  const valid = byClass.valid ?? {};
  const validTotal = sum(valid) - (valid.dropped ?? 0);
  const validFailed = validTotal - (valid.ok ?? 0);
  const passed = Object.keys(badAnswers).length === 0 && validFailed === 0 && readyAfter && malformedTotal > 0;
  const closedText = closedWithoutAnswer > 0 ? ` (${closedWithoutAnswer} with a lying length refused by closing the connection)` : '';
  const parts = [
    `${malformedTotal} malformed requests in ${malformed.length} classes: ${Object.keys(badAnswers).length === 0 ? `all answered 4xx${closedText}` : `not all 4xx (${Object.keys(badAnswers).join(', ')})`}`,
    `${validTotal - validFailed}/${validTotal} valid requests succeeded`,
    readyAfter ? 'server ready afterwards' : 'server NOT ready afterwards',
  ];
  return { kind: 'malformed', passed, summary: parts.join('; '), details: { malformed_total: malformedTotal, wrong_answers: badAnswers, valid_total: validTotal, valid_failed: validFailed, ready_after: readyAfter, closed_without_answer: closedWithoutAnswer } };
}

export const MALFORMED: PhaseKindModule<MalformedPhase> = {
  kind: 'malformed',
  schema: phaseSchema('malformed', 'Valid traffic mixed with malformed requests; every malformed one must get its 4xx, never a 5xx.', {
    mix: withMessage('a map of malformed class to percentage, like {invalid_json: 5}', {
      type: 'object', minProperties: 1,
      additionalProperties: withMessage('a percentage like 30% or a number between 0 and 100', {
        type: ['number', 'string'], minimum: 0, maximum: 100, pattern: PERCENT_PATTERN,
      }),
      description: 'Percent of requests per malformed class (the classes of fixtures/malformed/<model>.json); at most 100 in total, the rest are valid.',
    }),
  }),
  resolve(input) {
    const common = loadPhase(input);
    return common && { ...common, kind: 'malformed', mix: resolveMix(input.raw, input.path, input.ctx) };
  },
  driver(ctx, phase) {
    const { scenario, target } = ctx;
    const cases = corpusCasesFor(target.protocol);
    const nextRequest = createMalformedMix({ cases, mix: phase.mix, model: scenario.model.name, valid: ctx.validRequest, seed: scenario.payload.seed, protocol: target.protocol });
    return passiveDriver(ctx, async (measured) => malformedVerdict(measured.requests.by_class ?? {}, await ctx.ready(), lengthLieClasses(cases)), { nextRequest });
  },
};
