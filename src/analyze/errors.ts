// Errors of the pure analysis and tuning code: one class, a stable code, a message that says what
// was wrong and where (fastify's FST_ERR_* habit, as in the server).

export const ANALYSIS_ERROR_CODES = [
  'SB_ERR_NO_DATA',
  'SB_ERR_INVALID_INPUT',
  'SB_ERR_GATE_RULE',
  'SB_ERR_SEARCH_SPACE',
  'SB_ERR_SEARCH_STATE',
] as const;

export type AnalysisErrorCode = (typeof ANALYSIS_ERROR_CODES)[number];

export class AnalysisError extends Error {
  readonly code: AnalysisErrorCode;

  constructor(code: AnalysisErrorCode, message: string) {
    super(message);
    this.name = 'AnalysisError';
    this.code = code;
  }
}

export function analysisError(code: AnalysisErrorCode, message: string): AnalysisError {
  return new AnalysisError(code, message);
}

export function isAnalysisError(value: unknown): value is AnalysisError {
  return value instanceof AnalysisError;
}

/** Refuses an empty or non-finite sample, naming the function that needed it. */
export function requireFinite(values: readonly number[], where: string, min = 1): void {
  if (values.length < min) {
    throw analysisError('SB_ERR_NO_DATA', `${where}: needs at least ${min} value${min === 1 ? '' : 's'}, got ${values.length}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw analysisError('SB_ERR_INVALID_INPUT', `${where}: value [${i}] is ${String(values[i])}, expected a finite number`);
    }
  }
}
