// Recorded results for report tests: real runs (quick, flap, shutdown) and hand-made studies
// (sweep, soak) that follow the results.json contract. See fixtures/results/README.md.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseResults } from '../../src/report/readResults.ts';
import type { RunResults } from '../../src/contract/results.ts';

export type FixtureName = 'quick' | 'flap' | 'shutdown' | 'sweep' | 'soak';

export function fixturePath(name: FixtureName): string {
  return fileURLToPath(new URL(`../../fixtures/results/${name}.json`, import.meta.url));
}

/** A fresh copy each call: tests may change it. */
export function fixture(name: FixtureName): RunResults {
  const path = fixturePath(name);
  return parseResults(readFileSync(path, 'utf8'), path);
}

/** Strings that would run or load something if a report forgot to escape them. */
export const HOSTILE = {
  scenario: '<script>window.__pwned = 1</script>quick',
  phase: '<img src=x onerror="window.__pwned=2">closed-8',
  error: '"><iframe src="https://example.com/"></iframe>',
};

/** quick.json with hostile strings wherever data reaches the page. */
export function hostileResults(): RunResults {
  const results = fixture('quick');
  results.scenario.name = HOSTILE.scenario;
  results.phases[1].name = HOSTILE.phase;
  results.timeseries = results.timeseries.map((r) => (r.phase === 'closed-8' ? { ...r, phase: HOSTILE.phase } : r));
  results.warnings.push(HOSTILE.error);
  results.thresholds[0].message = HOSTILE.error;
  results.markers = [{ t: 20, kind: HOSTILE.phase, detail: HOSTILE.error }];
  results.server_config = { name: HOSTILE.scenario };
  return results;
}

/** RFC 4180 rows (quoted fields, doubled quotes), enough to read back what csv-stringify wrote. */
export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      endField();
    } else if (!quoted && c === '\n') {
      endField();
      out.push(row);
      row = [];
    } else if (quoted || c !== '\r') {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    endField();
    out.push(row);
  }
  return out;
}
