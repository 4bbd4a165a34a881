// Requests Node's HTTP parser refuses before fastify sees them (headers too large or too slow,
// a bad Content-Length, bytes that are not HTTP) are answered in the project's error shape, with a
// 4xx and the connection closed: fastify's default answers in its own shape.
import type { Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import { serveError, type ServeError } from '../errors.ts';

/** What a client-error answer needs to name the limit the client crossed. */
export interface ClientErrorLimits {
  headersTimeoutMs: number;
  maxHeaderBytes: number;
}

type ParserError = Error & { code?: string; reason?: string };

const NOT_HTTP = (reason: string, code: string) => `the request is not valid HTTP/1.1: ${reason} (${code})`;

/** The answer for a parser error; undefined when there is no one to answer (the client is gone). */
export function clientErrorOf(err: ParserError, limits: ClientErrorLimits): ServeError | undefined {
  const code = err.code ?? 'unknown';
  // Node's parser errors carry a short fixed `reason`; only that is echoed, never the bytes.
  const reason = (err.reason ?? err.message).slice(0, 120);
  switch (code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return undefined;
    case 'HPE_HEADER_OVERFLOW':
      return serveError('SB_ERR_HEADERS_TOO_LARGE', `request line and headers are larger than the limit of ${limits.maxHeaderBytes} bytes`);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return serveError('SB_ERR_HEADERS_TIMEOUT', `request headers not complete within headers_timeout_ms ${limits.headersTimeoutMs}`);
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return serveError('SB_ERR_BAD_REQUEST', `Content-Length: ${NOT_HTTP(reason, code)}`);
    default:
      return serveError('SB_ERR_BAD_REQUEST', NOT_HTTP(reason, code));
  }
}

/** A whole HTTP/1.1 response carrying the error; it closes the connection. */
export function rawErrorResponse(error: ServeError): Buffer {
  const body = JSON.stringify({ error: error.message, code: error.code });
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_TEXT[error.status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' };

/** How long a socket is kept after its error answer was handed over, for the answer to drain. */
const LINGER_MS = 1000;
/** The longest a failed connection waits for the answer still in flight on it (its own deadlines come first). */
const IN_FLIGHT_WAIT_MS = 30_000;

/** Destroys the socket after `ms` unless it closed before: a client that never reads cannot keep it. */
function linger(socket: Socket, ms: number): void {
  const timer = setTimeout(() => socket.destroy(), ms).unref();
  socket.once('close', () => clearTimeout(timer));
}

export interface ClientErrorLog {
  debug(obj: object, msg: string): void;
}

/** fastify's `clientErrorHandler`: answers once per socket, then closes it. */
export function clientErrorHandler(limits: ClientErrorLimits, log: ClientErrorLog): (err: ParserError, socket: Socket) => void {
  const answered = new WeakSet<Socket>();
  return (err, socket) => {
    // The parser, once failed, reports the same error for every later chunk: one answer is enough.
    if (answered.has(socket)) return;
    answered.add(socket);
    const error = socket.destroyed ? undefined : clientErrorOf(err, limits);
    if (!error) {
      socket.destroy();
      return;
    }
    log.debug({ err, code: error.code }, 'client error');
    let done = false;
    const answer = () => {
      if (done) return;
      done = true;
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      socket.end(rawErrorResponse(error));
      socket.once('finish', () => socket.destroy());
      linger(socket, LINGER_MS);
    };
    // Requests on this connection may still be answering (bytes past a short Content-Length
    // failed to parse as the next request): their answers go first, then this one, in the order
    // the client expects. Node hands the socket to the next pipelined answer before our 'finish'.
    const afterInFlight = () => {
      const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
      if (!inFlight || inFlight.writableFinished) return answer();
      inFlight.once('finish', afterInFlight);
      inFlight.once('close', afterInFlight);
    };
    linger(socket, IN_FLIGHT_WAIT_MS);
    afterInFlight();
  };
}
