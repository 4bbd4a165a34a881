// scenarios/schema.json as editors see it: the scenario schema with each command's own section
// schema (tune's sweep, soak's soak, gate's gate) filled in. The loader validates the core and
// each command validates its section, so only the published file assembles them all.
import { GATE_SCHEMA } from '../gate/config.ts';
import { SOAK_SECTION_SCHEMA } from '../soak/section.ts';
import { SWEEP_SCHEMA } from '../tune/sweepSchema.ts';
import { SCENARIO_SCHEMA } from '../scenario/schema.ts';

export function publishedScenarioSchema(): Record<string, unknown> {
  const properties = SCENARIO_SCHEMA.properties as Record<string, unknown>;
  return { ...SCENARIO_SCHEMA, properties: { ...properties, sweep: SWEEP_SCHEMA, soak: SOAK_SECTION_SCHEMA, gate: GATE_SCHEMA } };
}

/** scenarios/schema.json's exact text (a test keeps the file in sync). */
export function renderPublishedSchema(): string {
  return `${JSON.stringify(publishedScenarioSchema(), null, 2)}\n`;
}
