// Strict base64 (RFC 4648, standard or URL-safe alphabet). Node's Buffer.from(s, 'base64') skips
// junk silently, which would turn a corrupted payload into a wrong-length tensor; we refuse it instead.
import { serveError } from '../errors.ts';

const STANDARD = /^[A-Za-z0-9+/]*$/;
const URL_SAFE = /^[A-Za-z0-9_-]*$/;
/** Line breaks and spaces are allowed (MIME wraps at 76 columns; files end with a newline). */
const WHITESPACE = /[\t\n\r ]/g;

function alphabetValue(char: string): number {
  const c = char.charCodeAt(0);
  if (c >= 65 && c <= 90) return c - 65; // A-Z
  if (c >= 97 && c <= 122) return c - 71; // a-z
  if (c >= 48 && c <= 57) return c + 4; // 0-9
  return c === 43 || c === 45 ? 62 : 63; // + or -, / or _
}

/** Decodes strict base64 into a fresh, exactly-sized Uint8Array (never a view into Node's shared pool). */
export function decodeBase64Strict(text: string, field: string): Uint8Array {
  const compact = text.replace(WHITESPACE, '');
  const padded = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  const chars = compact.slice(0, compact.length - padded);
  if (!STANDARD.test(chars) && !URL_SAFE.test(chars)) {
    const bad = [...chars].findIndex((ch) => !/[A-Za-z0-9+/_-]/.test(ch));
    const detail = bad >= 0 ? `character ${JSON.stringify(chars[bad])} at offset ${bad}` : 'a mix of the standard (+/) and URL-safe (-_) alphabets';
    throw serveError('SB_ERR_BASE64', `${field}: invalid base64: ${detail}`);
  }
  if (chars.length % 4 === 1 || (padded > 0 && compact.length % 4 !== 0)) {
    throw serveError('SB_ERR_BASE64', `${field}: invalid base64: length ${compact.length} (without whitespace) is not a whole number of 4-character groups`);
  }
  const tail = chars.length % 4;
  if (padded > 0 && padded !== 4 - tail) {
    throw serveError('SB_ERR_BASE64', `${field}: invalid base64: ${padded} padding characters after a group of ${tail}`);
  }
  // Canonical encoders leave the bits below the last byte zero; anything else is a corrupted tail.
  if (tail > 0) {
    const unusedBits = tail === 2 ? 0x0f : 0x03;
    if ((alphabetValue(chars[chars.length - 1]) & unusedBits) !== 0) {
      throw serveError('SB_ERR_BASE64', `${field}: invalid base64: the last character carries bits past the end of the data`);
    }
  }
  const byteLength = Math.floor((chars.length * 3) / 4);
  const out = new Uint8Array(byteLength);
  Buffer.from(out.buffer).write(chars, 'base64');
  return out;
}
