// Maps every failure to the one JSON error shape `{"error": "...", "code": "SB_ERR_..."}`
// (KServe's `error` field plus our stable code). Bad input is never a 5xx.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isServeError, serveError, type ServeError } from '../errors.ts';

/**
 * The longest path segment the router matches (fastify's default is 100). Above the 128 characters a
 * model name may have, so an over-long name gets the same 404 as any unknown one; still bounded.
 */
export const MAX_PARAM_LENGTH = 1024;

const clip = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max)}...` : text);

const FASTIFY_CODE_MAP: Record<string, (err: FastifyError, bodyLimit: number) => ServeError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (_err, limit) => serveError('SB_ERR_BODY_TOO_LARGE', `request body is larger than the limit of ${limit} bytes (body_limit_bytes)`),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (err) => serveError('SB_ERR_CONTENT_TYPE', err.message),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: (err) => serveError('SB_ERR_BAD_REQUEST', err.message),
  FST_ERR_CTP_EMPTY_JSON_BODY: (err) => serveError('SB_ERR_INVALID_JSON', err.message),
  FST_ERR_CTP_INVALID_JSON_BODY: (err) => serveError('SB_ERR_INVALID_JSON', err.message),
  // The router's own refusals (fastify's frameworkErrors), before any route runs.
  FST_ERR_MAX_PARAM_LENGTH: () => serveError('SB_ERR_URL_TOO_LONG', `a segment of the URL path is longer than ${MAX_PARAM_LENGTH} characters`),
  FST_ERR_BAD_URL: (err) => serveError('SB_ERR_BAD_REQUEST', clip(err.message)),
};

export function toServeError(err: unknown, bodyLimit: number): ServeError {
  if (isServeError(err)) return err;
  const fastifyError = err as FastifyError;
  const mapped = fastifyError?.code ? FASTIFY_CODE_MAP[fastifyError.code] : undefined;
  if (mapped) return mapped(fastifyError, bodyLimit);
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return serveError('SB_ERR_BAD_REQUEST', fastifyError.message);
  }
  return serveError('SB_ERR_INTERNAL', 'internal server error (see the server log for this request id)');
}

/** Answers `error`; `message` replaces its message when the client may see less than the log. */
export function sendError(reply: FastifyReply, request: FastifyRequest, error: ServeError, message = error.message): FastifyReply {
  if (error.code === 'SB_ERR_QUEUE_FULL' || error.code === 'SB_ERR_SHUTTING_DOWN' || error.code === 'SB_ERR_MODEL_NOT_READY') {
    reply.header('retry-after', '1');
  }
  // The rest of a late body may still come: the connection cannot carry another request.
  if (error.code === 'SB_ERR_BODY_TIMEOUT') reply.header('connection', 'close');
  return reply.code(error.status).type('application/json').send({ error: message, code: error.code, request_id: request.id });
}
