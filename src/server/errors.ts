// Every user-facing server error is created here once, with a stable code and one HTTP status
// (fastify's FST_ERR_* habit). Messages say what was expected and what came.

export const ERROR_STATUS = {
  SB_ERR_INVALID_JSON: 400,
  SB_ERR_CONTENT_TYPE: 415,
  SB_ERR_CONTENT_ENCODING: 415,
  SB_ERR_BAD_REQUEST: 400,
  SB_ERR_BAD_OVERRIDE: 400,
  SB_ERR_MISSING_INPUT: 400,
  SB_ERR_UNEXPECTED_INPUT: 400,
  SB_ERR_DATATYPE: 400,
  SB_ERR_SHAPE_MISMATCH: 400,
  SB_ERR_SHAPE_INVALID: 400,
  SB_ERR_NON_FINITE: 400,
  SB_ERR_BASE64: 400,
  SB_ERR_BINARY_TRUNCATED: 400,
  SB_ERR_BATCH_TOO_LARGE: 400,
  SB_ERR_ROUTE_NOT_FOUND: 404,
  SB_ERR_MODEL_NOT_FOUND: 404,
  SB_ERR_VERSION_NOT_FOUND: 404,
  SB_ERR_MODEL_NOT_READY: 503,
  SB_ERR_BODY_TOO_LARGE: 413,
  SB_ERR_BODY_TIMEOUT: 408,
  SB_ERR_HEADERS_TIMEOUT: 408,
  SB_ERR_HEADERS_TOO_LARGE: 431,
  SB_ERR_URL_TOO_LONG: 414,
  SB_ERR_UNAUTHORIZED: 401,
  SB_ERR_QUEUE_FULL: 503,
  SB_ERR_SHUTTING_DOWN: 503,
  SB_ERR_TIMEOUT: 504,
  SB_ERR_WORKER_FAILED: 500,
  SB_ERR_INFERENCE: 500,
  SB_ERR_INJECTED: 500,
  SB_ERR_INTERNAL: 500,
  // Start-up errors: never sent over HTTP, but share the shape.
  SB_ERR_CONFIG: 500,
  SB_ERR_MANIFEST: 500,
  SB_ERR_MODEL_LOAD: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ServeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ServeError';
    this.code = code;
    this.status = ERROR_STATUS[code];
  }
}

export function serveError(code: ErrorCode, message: string): ServeError {
  return new ServeError(code, message);
}

export function isServeError(value: unknown): value is ServeError {
  return value instanceof ServeError;
}
