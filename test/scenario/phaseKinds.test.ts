import { describe, expect, it } from 'vitest';
import { PHASE_KINDS } from '../../src/scenario/phaseKinds/index.ts';
import { PHASE_FIELDS, SCENARIO_SCHEMA } from '../../src/scenario/schema.ts';

describe('the phase kind registry', () => {
  it('files each module under its own kind', () => {
    for (const [name, module] of Object.entries(PHASE_KINDS)) expect(module.kind).toBe(name);
  });

  it('is what the scenario schema offers as kinds, each with its own fields', () => {
    const phase = ((SCENARIO_SCHEMA.properties as Record<string, { items: { properties: { kind: { enum: string[] } } } }>).phases).items;
    expect(phase.properties.kind.enum).toEqual(Object.keys(PHASE_KINDS));
    expect(PHASE_FIELDS['slow-clients']).toContain('cut_within');
    expect(PHASE_FIELDS.steady).not.toContain('cut_within');
  });
});
