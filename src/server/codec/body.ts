// Reading a request body before any protocol looks at it: its media type and its JSON text.
import { serveError } from '../errors.ts';

export interface MediaType {
  /** `type/subtype`, lower-cased, parameters stripped. */
  essence: string;
  charset?: string;
}

/** Parses a Content-Type header (RFC 9110 media-type); undefined when absent or blank. */
export function parseMediaType(contentType: string | undefined): MediaType | undefined {
  if (contentType === undefined) return undefined;
  const [head, ...params] = contentType.split(';');
  const essence = head.trim().toLowerCase();
  if (essence === '') return undefined;
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return { essence, charset };
}

/** JSON is UTF-8 (RFC 8259); us-ascii is a subset. Anything else would be misread, so refuse it. */
export function requireUtf8(media: MediaType, contentType: string): void {
  if (media.charset === undefined || media.charset === 'utf-8' || media.charset === 'utf8' || media.charset === 'us-ascii') return;
  throw serveError('SB_ERR_CONTENT_TYPE', `content-type: expected charset utf-8, got "${contentType}"`);
}

/** JSON.parse over a byte range of the body; a syntax error becomes SB_ERR_INVALID_JSON (V8's message carries the position when it knows it). */
export function parseJsonBytes(body: Buffer, start: number, end: number, field: string): unknown {
  const text = body.toString('utf8', start, end);
  try {
    return JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    // V8 quotes a slice of the text in its message; clip it so a huge body cannot make a huge error.
    const clipped = detail.length > 160 ? `${detail.slice(0, 160)}…` : detail;
    throw serveError('SB_ERR_INVALID_JSON', `${field}: invalid JSON: ${clipped}`);
  }
}

/** Human words for a JSON value's kind, for "expected X, got Y" messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return `string ${JSON.stringify(value.length > 32 ? `${value.slice(0, 32)}…` : value)}`;
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return `${typeof value} ${String(value)}`;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
