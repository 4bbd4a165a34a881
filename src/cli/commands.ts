// The commands of the CLI, loaded lazily so `servebench serve` does not pay for the dashboard or the
// report renderer. A command is a module whose default export is defineCommand({...}) (command.ts)
// and one line here.
import type { Command } from './command.ts';

export const COMMANDS: Record<string, { summary: string; load: () => Promise<{ default: Command }> }> = {
  run: { summary: 'run a scenario against a server and write its results', load: () => import('./run.ts') },
  tune: { summary: 'sweep server settings and recommend a configuration', load: () => import('./tune.ts') },
  gate: { summary: 'fail CI when p99 (or another rule) regresses against a baseline', load: () => import('./gate.ts') },
  soak: { summary: 'hold a steady load for hours and detect memory leaks', load: () => import('./soak.ts') },
  report: { summary: 'render HTML/CSV reports from results.json (two runs side by side)', load: () => import('./report.ts') },
  serve: { summary: 'start the embedded reference inference server', load: () => import('./serve.ts') },
  k8s: { summary: 'write Kubernetes manifests for a run shared by N agent pods', load: () => import('./k8s.ts') },
  validate: { summary: 'check scenario files (every section, every problem) without running them', load: () => import('./validate.ts') },
  pack: { summary: 'bind a model version\'s files with a manifest', load: () => import('./pack.ts') },
  agent: { summary: 'run one agent\'s share of a scenario split over several load generators', load: () => import('./agent.ts') },
  merge: { summary: 'add agents\' results into one run (histograms merged exactly)', load: () => import('./merge.ts') },
};
