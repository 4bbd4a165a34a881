// Errors that stop a tuning run (exit code 2): a stable code and a message that says what to do.
export type TuneErrorCode =
  | 'SB_ERR_TUNE_RESUME'
  | 'SB_ERR_TUNE_OUTPUT'
  | 'SB_ERR_KNOBS_NOT_SWEEPABLE'
  | 'SB_ERR_KNOB_NOT_APPLIED'
  /** The server answered a reload with an error: it refuses that configuration (a finding about the trial). */
  | 'SB_ERR_CONFIG_REFUSED'
  | 'SB_ERR_MODEL_RELOAD';

export class TuneError extends Error {
  constructor(
    readonly code: TuneErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TuneError';
  }
}
