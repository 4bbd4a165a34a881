// Errors that make a run impossible (exit code 2): each says what failed and what to do.
export type RunErrorCode = 'SB_ERR_TARGET_START' | 'SB_ERR_TARGET_NOT_READY';

export class RunError extends Error {
  constructor(
    readonly code: RunErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RunError';
  }
}
