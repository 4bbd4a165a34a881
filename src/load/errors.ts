// Errors of the load engine: a stable code and a message that says what is wrong and where.

export type LoadErrorCode =
  | 'SB_ERR_LOAD_EXTENT'
  | 'SB_ERR_LOAD_OPTIONS'
  | 'SB_ERR_MODEL_METADATA'
  | 'SB_ERR_PAYLOAD'
  | 'SB_ERR_PAYLOAD_FIXTURE'
  | 'SB_ERR_MALFORMED_CORPUS'
  | 'SB_ERR_MALFORMED_MIX'
  | 'SB_ERR_FLAP_PROXY';

export class LoadError extends Error {
  readonly code: LoadErrorCode;

  constructor(code: LoadErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoadError';
    this.code = code;
  }
}

export function loadError(code: LoadErrorCode, message: string, cause?: unknown): LoadError {
  return new LoadError(code, message, cause === undefined ? undefined : { cause });
}
