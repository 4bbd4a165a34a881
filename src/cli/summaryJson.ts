// What `run --json` and `soak --json` print: the run's verdicts and numbers without the bulky
// parts (histograms, per-interval samples), which stay in the run folder's results.json.
import type { RunResults } from '../contract/results.ts';

export function runSummaryJson(results: RunResults, outDir: string): Record<string, unknown> {
  const soak = results.soak && (({ samples, ...rest }) => ({ ...rest, sample_count: samples.length }))(results.soak);
  return {
    run_id: results.run_id,
    out: outDir,
    exit_code: results.exit_code,
    totals: { ...results.totals, histogram: undefined },
    phases: results.phases.map(({ histogram: _h, ...p }) => p),
    verdicts: results.verdicts,
    thresholds: results.thresholds,
    warnings: results.warnings,
    error: results.error,
    ...(results.agents ? { agents: results.agents } : {}),
    ...(soak ? { soak } : {}),
  };
}
