// Every section of a scenario file beyond the core, gathered here because only the CLI may see
// them all (tune/, soak/ and gate/ build on scenario/, and the embedded server's settings live in
// src/server/, which only the CLI imports). `servebench validate` checks them all in one pass, and
// scenarios/schema.json publishes the same schemas.
import { GATE_SECTION } from '../gate/config.ts';
import type { JsonSchema } from '../scenario/schema.ts';
import type { ScenarioSection } from '../scenario/sections.ts';
import { parseSettingValue, SETTINGS } from '../server/config/settings.ts';
import { SOAK_SECTION } from '../soak/section.ts';
import { SWEEP_SECTION } from '../tune/sweepSection.ts';

/** A target that launches the embedded server: no kind, url or command given, or kind embedded. */
function isEmbedded(data: unknown): boolean {
  const target = (data as { target?: Record<string, unknown> } | undefined)?.target;
  if (target === undefined || target === null || typeof target !== 'object') return true;
  return target.kind === undefined ? target.url === undefined && target.command === undefined : target.kind === 'embedded';
}

const ANY_VALUE: JsonSchema = { type: ['string', 'number', 'boolean', 'array'], items: { type: 'integer' } };

/**
 * The embedded server's settings (`target.server`), from its own table: the names are checked by
 * the schema, the values by the server's own parser (it takes "16" as it takes 16).
 */
export const SERVER_SETTINGS_SECTION: ScenarioSection<void> = {
  at: ['target', 'server'],
  appliesTo: isEmbedded,
  schema: {
    type: 'object',
    additionalProperties: false,
    errorMessage: 'expected a map of server settings like {workers: 2, max_batch_size: 16}',
    properties: Object.fromEntries(SETTINGS.map((s) => [s.key, { ...ANY_VALUE, description: s.description, errorMessage: `expected a value for ${s.key}` }])),
  },
  check(raw, problems) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
    for (const def of SETTINGS) {
      const value = (raw as Record<string, unknown>)[def.key];
      if (value === undefined) continue;
      const parsed = parseSettingValue(def, value);
      if (!parsed.ok) problems.add(['target', 'server', def.key], parsed.problem);
    }
  },
};

/** The sections the pipeline checks after the core, in the order they are checked. */
export const SCENARIO_SECTIONS: readonly ScenarioSection[] = [SERVER_SETTINGS_SECTION, SWEEP_SECTION, SOAK_SECTION, GATE_SECTION];
