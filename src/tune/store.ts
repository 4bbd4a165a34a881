// The tuning run's folder as its memory: `tune.json` (what is being tuned), `trials.jsonl` (one
// finished trial per line, written and fsynced the moment it ends, so a kill -9 loses none). A
// resumed run reads the trials back and carries on where it stopped; the server a killed run left
// was stopped by its leash (runner/orphan.ts).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepSpec } from './sweepSection.ts';
import type { TrialRecord } from './trialRecord.ts';
import { ServebenchError } from '../contract/errors.ts';

export const TUNE_STATE_SCHEMA = 'servebench.tune/v1';

export interface TuneState {
  schema: typeof TUNE_STATE_SCHEMA;
  run_id: string;
  started_at: string;
  scenario_file?: string;
  model: string;
  /** Hash of what decides the trials (sweep, model, target kind): a resume must match it. */
  fingerprint: string;
}


export function sweepFingerprint(spec: SweepSpec, model: string, targetKind: string): string {
  const { strategy, knobs, objective, rate, slo, stepS, startRps, maxRps, precision, growth, maxSteps, repeats, top, maxTrials, reconfigure } = spec;
  // An unset field drops out of the JSON: runs saved before it existed still resume.
  const text = JSON.stringify({ strategy, knobs, objective, rate, slo: [slo.p99Us, slo.errorRate], stepS, startRps, maxRps, precision, growth, maxSteps, repeats, top, maxTrials, model, targetKind, reconfigure });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Reads trials.jsonl; a torn last line (killed mid-write) is cut off so appends continue cleanly. */
export function readTrials(file: string): TrialRecord[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const trials = complete.split('\n').filter((line) => line.trim() !== '').map((line, i) => {
    try {
      return JSON.parse(line) as TrialRecord;
    } catch {
      throw new ServebenchError('SB_ERR_TUNE_RESUME', `${file}: line ${i + 1} is not JSON; the file was edited or damaged (remove that line to resume)`);
    }
  });
  // Whatever follows the last newline is the torn tail of a killed write: that trial never finished.
  if (complete.length < text.length) truncateSync(file, Buffer.byteLength(complete));
  return trials;
}

export class TuneStore {
  readonly trialsFile: string;

  private constructor(
    readonly dir: string,
    readonly state: TuneState,
  ) {
    this.trialsFile = join(dir, 'trials.jsonl');
  }

  /** A new run folder; refuses one that already holds trials (resume it instead). */
  static create(dir: string, state: TuneState): TuneStore {
    if (existsSync(join(dir, 'trials.jsonl'))) {
      throw new ServebenchError('SB_ERR_TUNE_OUTPUT', `${dir} already holds a tuning run; continue it with --resume ${dir}, or choose another --out`);
    }
    try {
      mkdirSync(dir, { recursive: true });
      writeDurably(join(dir, 'tune.json'), `${JSON.stringify(state, null, 2)}\n`, 'w');
    } catch (err) {
      throw new ServebenchError('SB_ERR_TUNE_OUTPUT', `cannot write the run folder ${dir}: ${(err as Error).message}`);
    }
    return new TuneStore(dir, state);
  }

  /** An existing run folder, checked against what this run would tune. */
  static resume(dir: string, fingerprint: string): TuneStore {
    const file = join(dir, 'tune.json');
    if (!existsSync(file)) throw new ServebenchError('SB_ERR_TUNE_RESUME', `${dir} has no tune.json: not a tuning run folder (start one with --out ${dir})`);
    const state = JSON.parse(readFileSync(file, 'utf8')) as TuneState;
    if (state.schema !== TUNE_STATE_SCHEMA) throw new ServebenchError('SB_ERR_TUNE_RESUME', `${file}: schema ${state.schema}, expected ${TUNE_STATE_SCHEMA}`);
    if (state.fingerprint !== fingerprint) {
      throw new ServebenchError('SB_ERR_TUNE_RESUME', `${dir} was started with another sweep (model, knobs, SLO or search settings changed); resume it with the scenario it was started with, or start a new run`);
    }
    return new TuneStore(dir, state);
  }

  trials(): TrialRecord[] {
    return readTrials(this.trialsFile);
  }

  /** Appends one finished trial and forces it to disk before returning. */
  appendTrial(record: TrialRecord): void {
    writeDurably(this.trialsFile, `${JSON.stringify(record)}\n`, 'a');
  }

}

function writeDurably(file: string, text: string, flags: 'a' | 'w'): void {
  const fd = openSync(file, flags);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
