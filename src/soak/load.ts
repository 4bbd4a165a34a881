// A soak's scenario file: the scenario as `servebench run` loads it, plus its `soak:` section
// validated here (the scenario loader keeps it opaque), with the line of each problem.
import { readFile } from 'node:fs/promises';
import { loadScenarioFile, parseScenarioText } from '../scenario/load.ts';
import type { Scenario } from '../contract/scenario.ts';
import { parseSoakSection, type SoakSection } from './section.ts';

export async function loadSoakScenario(file: string): Promise<{ scenario: Scenario; section: SoakSection; file: string }> {
  const loaded = await loadScenarioFile(file);
  if (loaded.scenario.soak === undefined) return { ...loaded, section: {} };
  // Read again only for line numbers: the file was just validated, so this parse succeeds.
  const { locate } = parseScenarioText(await readFile(loaded.file, 'utf8'), file);
  return { ...loaded, section: parseSoakSection(loaded.scenario.soak, file, locate) };
}
