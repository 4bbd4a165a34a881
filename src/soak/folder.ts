// A soak folder read back: soak-meta.json + soak.jsonl -> RunResults with its `soak` section, for
// `servebench report DIR` on a folder that has soak.jsonl but no results.json (a killed soak),
// and for the end of every soak. Holds intervals, never requests: histograms are merged as read.
import { createLatencyHistogram, decodeHistogram } from '../analyze/latency.ts';
import type { RunResults } from '../contract/results.ts';
import { assembleSoakResults, type SoakFolderContents } from './assemble.ts';
import { readJournal, readSoakMeta } from './journal.ts';

export async function readSoakFolder(dir: string): Promise<SoakFolderContents> {
  const meta = await readSoakMeta(dir);
  const contents: SoakFolderContents = {
    meta,
    samples: [],
    warmupHistogram: createLatencyHistogram(),
    soakHistogram: createLatencyHistogram(),
    segments: [],
    warnings: [],
    notes: [],
    torn: 0,
  };
  const { torn } = await readJournal(dir, (record) => {
    switch (record.type) {
      case 'segment':
        contents.segments.push(record);
        contents.end = undefined; // an end before a resume does not end the soak
        break;
      case 'sample': {
        const { type: _type, histogram, ...sample } = record;
        (sample.warmup ? contents.warmupHistogram : contents.soakHistogram).add(decodeHistogram(histogram));
        contents.samples.push(sample);
        break;
      }
      case 'warning':
        contents.warnings.push(record.message);
        break;
      case 'note':
        contents.notes.push(record.message);
        break;
      case 'end':
        contents.end = record;
        break;
    }
  });
  contents.torn = torn;
  return contents;
}

/**
 * Rebuilds a soak's RunResults from its folder, whatever point it was killed at: completed is
 * false (and exit_code 2, with the reason in `error`) unless its final record says the planned
 * duration was held.
 */
export async function loadSoakFolder(dir: string): Promise<RunResults> {
  return assembleSoakResults(await readSoakFolder(dir));
}
