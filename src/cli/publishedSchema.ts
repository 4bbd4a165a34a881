// scenarios/schema.json as editors see it: the core scenario schema with every section's schema
// (the same list `servebench validate` checks with) placed where the section sits in the file.
import { SCENARIO_SCHEMA, type JsonSchema } from '../scenario/schema.ts';
import type { ScenarioSection } from '../scenario/sections.ts';
import { SCENARIO_SECTIONS, SERVER_SETTINGS_SECTION } from './scenarioSections.ts';

/** JSON Schema conditions for sections that apply to some files only (keyed by the section). */
const CONDITIONS = new Map<ScenarioSection, JsonSchema>([
  // The target's own object decides whether it is embedded (see isEmbedded in scenarioSections.ts).
  [SERVER_SETTINGS_SECTION, {
    anyOf: [
      { properties: { kind: { const: 'embedded' } }, required: ['kind'] },
      { not: { anyOf: [{ required: ['kind'] }, { required: ['url'] }, { required: ['command'] }] } },
    ],
  }],
]);

/** `schema` with `section` placed at its path (one or two levels: a top field, or a field of one). */
function place(schema: JsonSchema, section: ScenarioSection): JsonSchema {
  const [top, inner] = section.at as string[];
  const properties = schema.properties as Record<string, JsonSchema>;
  if (inner === undefined) return { ...schema, properties: { ...properties, [top]: section.schema } };
  const parent = properties[top];
  const condition = CONDITIONS.get(section);
  const at = { properties: { [inner]: section.schema } };
  const placed = condition ? { allOf: [...((parent.allOf as JsonSchema[] | undefined) ?? []), { if: condition, then: at }] } : { properties: { ...(parent.properties as JsonSchema), [inner]: section.schema } };
  return { ...schema, properties: { ...properties, [top]: { ...parent, ...placed } } };
}

export function publishedScenarioSchema(): JsonSchema {
  return SCENARIO_SECTIONS.reduce(place, SCENARIO_SCHEMA);
}

/** scenarios/schema.json's exact text (a test keeps the file in sync). */
export function renderPublishedSchema(): string {
  return `${JSON.stringify(publishedScenarioSchema(), null, 2)}\n`;
}
