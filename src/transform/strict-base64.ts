import type { ByteWriter } from './byte-writer.ts';

/**
 * Base64 as the reference path accepts it (`transform-record.ts`, BASE64): the standard alphabet, a length
 * that is a multiple of 4, padding only as the last one or two characters. Anything else is refused.
 */
export const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes `data` into `into` (from its start; `into.length` is then the byte count) when it is base64 as
 * STRICT_BASE64 accepts it, to exactly the bytes `Buffer.from(data, 'base64')` gives; returns false, leaving
 * `into` unspecified, for every other string.
 *
 * Why it is exact without matching the regex (which costs more than the decoding): atob is native and
 * strict about the alphabet, but forgiving (WHATWG "forgiving-base64 decode"): it skips ASCII whitespace and
 * takes missing padding. A length that is a multiple of 4 and a decoded length of exactly 3 bytes per 4
 * characters less the padding leave no room for either: a skipped character or a missing `=` makes the
 * decoded text shorter, and a misplaced `=` is refused by atob itself. `strict-base64.test.ts` checks it
 * against the regex. The garbage is one string as long as the payload, dead at once.
 */
export function decodeStrictBase64(data: string, into: ByteWriter): boolean {
  const size = data.length;
  if (size % 4 !== 0) return false;
  let text: string;
  try {
    text = atob(data);
  } catch {
    return false; // InvalidCharacterError: outside the alphabet
  }
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  if (text.length !== (size / 4) * 3 - padding) return false;
  into.length = 0;
  into.reserve(text.length + 1); // and the end-of-input byte the scanner puts after it, without a copy
  into.length = into.bytes.write(text, 0, 'latin1'); // atob's text has one character per byte, all < 256
  return true;
}
