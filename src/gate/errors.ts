// Why a gate could not be decided (exit 2): a stable code and a message that says what to do next.

export const GATE_ERROR_CODES = [
  /** The baseline file does not exist (and --update-baseline was not given). */
  'SB_ERR_GATE_NO_BASELINE',
  /** A baseline, results.json or run folder that cannot be read as gate samples. */
  'SB_ERR_GATE_INPUT',
  /** A repeat of the scenario could not be run (its results say why). */
  'SB_ERR_GATE_REPEAT',
] as const;

export type GateErrorCode = (typeof GATE_ERROR_CODES)[number];

export class GateError extends Error {
  readonly code: GateErrorCode;

  constructor(code: GateErrorCode, message: string) {
    super(message);
    this.name = 'GateError';
    this.code = code;
  }
}

export function isGateError(value: unknown): value is GateError {
  return value instanceof GateError;
}
