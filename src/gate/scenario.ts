// A gated scenario file: the scenario itself (the loader validates it) and its `gate` section
// (validated here), with the section's problems pointing at their lines.
import { readFile } from 'node:fs/promises';
import { loadScenarioFile, parseScenarioText } from '../scenario/load.ts';
import type { Scenario } from '../contract/scenario.ts';
import { type GateConfig, parseGateConfig } from './config.ts';

export async function loadGateScenario(file: string): Promise<{ scenario: Scenario; config: GateConfig; file: string }> {
  const loaded = await loadScenarioFile(file);
  const { locate } = parseScenarioText(await readFile(loaded.file, 'utf8'), file);
  return { scenario: loaded.scenario, config: parseGateConfig(loaded.scenario.gate, file, locate), file: loaded.file };
}
