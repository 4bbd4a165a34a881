// A gated scenario file: the scenario and its `gate` section, checked in one pass (every problem
// of either with its line); no section means the defaults.
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../contract/scenario.ts';
import { GATE_SECTION, type GateConfig, parseGateConfig } from './config.ts';

export async function loadGateScenario(file: string): Promise<{ scenario: Scenario; config: GateConfig; file: string }> {
  const loaded = await loadScenarioFile(file, { sections: [GATE_SECTION] });
  const config = (loaded.sections.get('gate') as GateConfig | undefined) ?? parseGateConfig(undefined, file);
  return { scenario: loaded.scenario, config, file: loaded.file };
}
