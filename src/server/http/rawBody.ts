// Reads a request body into one Buffer for the codecs, with fastify's own limits and errors (as
// `parseAs: 'buffer'` does), except that a body that arrived as one chunk owning its memory is
// used as it is. fastify always copies it into a fresh Buffer: for a 48 KiB tensor that was a
// copy and a dozen page faults per request on the event loop. A body not complete within its
// deadline is a 408: a client that trickles or withholds it cannot keep its request forever.
import Fastify, { type FastifyRequest } from 'fastify';
import { serveError } from '../errors.ts';

const { FST_ERR_CTP_BODY_TOO_LARGE, FST_ERR_CTP_INVALID_CONTENT_LENGTH } = Fastify.errorCodes;

type Done = (err: Error | null, body?: Buffer) => void;

/** True when `chunk` is the whole of its ArrayBuffer: nothing else (a socket read buffer, Node's pool) shares it. */
function ownsItsMemory(chunk: Buffer): boolean {
  return chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
}

/** A fastify content-type parser (`addContentTypeParser('*', bodyReader(limit, timeoutMs))`); a timeout of 0 is none. */
export function bodyReader(limit: number, timeoutMs: number) {
  return (request: FastifyRequest, payload: NodeJS.ReadableStream, done: Done): void => {
    const contentLength = Number(request.headers['content-length']);
    if (contentLength > limit) {
      done(new FST_ERR_CTP_BODY_TOO_LARGE());
      return;
    }
    // Bodies are read as they come: a compressed one would be decoded as if it were not.
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      done(serveError('SB_ERR_CONTENT_ENCODING', `Content-Encoding "${encoding.slice(0, 64)}" is not supported: send the body uncompressed (identity)`));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const deadline = timeoutMs > 0
      ? setTimeout(() => {
          stop();
          done(serveError('SB_ERR_BODY_TIMEOUT', `request body not complete within body_timeout_ms ${timeoutMs} (${received} of ${Number.isNaN(contentLength) ? 'an unknown number of' : contentLength} bytes came)`));
        }, timeoutMs)
      : undefined;
    const stop = (): void => {
      clearTimeout(deadline);
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onEnd);
    };
    function onData(chunk: Buffer | string): void {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.length;
      if (received > limit) {
        stop();
        done(new FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      chunks.push(bytes);
    }
    function onEnd(err?: Error & { statusCode?: number }): void {
      stop();
      if (err) {
        if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
        done(err);
        return;
      }
      if (!Number.isNaN(contentLength) && received !== contentLength) {
        done(new FST_ERR_CTP_INVALID_CONTENT_LENGTH());
        return;
      }
      done(null, chunks.length === 1 && ownsItsMemory(chunks[0]) ? chunks[0] : Buffer.concat(chunks, received));
    }
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onEnd);
    payload.resume();
  };
}
