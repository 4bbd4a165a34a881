// Strict base64: everything Node's lenient decoder would silently skip is refused.
import { describe, expect, it } from 'vitest';
import { decodeBase64Strict } from '../../../src/server/codec/base64.ts';

const bytes = Uint8Array.from({ length: 40 }, (_, i) => (i * 37) & 0xff);

describe('decodeBase64Strict', () => {
  it('decodes standard and URL-safe, padded and unpadded, into a fresh exact buffer', () => {
    for (const n of [0, 1, 2, 3, 38, 40]) {
      const slice = bytes.subarray(0, n);
      const standard = Buffer.from(slice).toString('base64');
      const urlSafe = Buffer.from(slice).toString('base64url');
      for (const text of [standard, standard.replace(/=+$/, ''), urlSafe]) {
        const out = decodeBase64Strict(text, 'body');
        expect(out).toEqual(new Uint8Array(slice));
        expect(out.buffer.byteLength).toBe(n);
      }
    }
  });

  it('allows whitespace and line breaks between groups', () => {
    expect(decodeBase64Strict(' QUJD\r\nREVG\n', 'body')).toEqual(new TextEncoder().encode('ABCDEF'));
  });

  it.each([
    ['a character outside the alphabet', 'QU*D', /character "\*" at offset 2/],
    ['padding in the middle', 'QQ==QUJD', /character "=" at offset 2/],
    ['a mix of alphabets', 'ab+_', /a mix of the standard/],
    ['a lone trailing character', 'QUJDR', /not a whole number of 4-character groups/],
    ['padding on a short group', 'QUJD=', /not a whole number/],
    ['too much padding', 'QUI==', /not a whole number/],
    ['three padding characters', 'Q===', /not a whole number|character "="/],
    ['non-zero bits past the data', 'QUJ=', /carries bits past the end/],
    ['non-ascii text', 'QUJDé', /character "é"/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => decodeBase64Strict(text, 'data')).toThrow(expect.objectContaining({ code: 'SB_ERR_BASE64', message: expect.stringMatching(message) }));
  });
});
