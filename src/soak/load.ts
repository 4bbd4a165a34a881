// A soak's scenario file: the scenario and its `soak:` section, checked in one pass (every problem
// of either with its line).
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../contract/scenario.ts';
import { SOAK_SECTION, type SoakSection } from './section.ts';

export async function loadSoakScenario(file: string): Promise<{ scenario: Scenario; section: SoakSection; file: string }> {
  const { scenario, sections, file: absolute } = await loadScenarioFile(file, { sections: [SOAK_SECTION] });
  return { scenario, section: (sections.get('soak') as SoakSection | undefined) ?? {}, file: absolute };
}
