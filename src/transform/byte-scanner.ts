/**
 * JSON tokens read from bytes, for the transform's fast path, within its limits: compact JSON (no whitespace
 * between tokens) whose strings hold only printable ASCII and no backslash escape. Each `…End` function takes
 * the bytes and the position where its token starts and returns the position just past it, or BAIL when the
 * token is not there or leaves those limits — then the caller gives up the fast path. What they accept is
 * valid JSON, which JSON.parse reads alike.
 *
 * The bytes must end with END_OF_INPUT (after the record's own bytes): no token holds it, so every loop and
 * look-ahead stops there and nothing past a record is ever read, whatever a reused buffer holds beyond.
 */
export const BAIL = -1;
export const END_OF_INPUT = 0;

export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** 1 for the bytes a string may hold here: printable ASCII except `"` and `\`. */
const PLAIN_STRING_BYTE = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) PLAIN_STRING_BYTE[c] = 1;
PLAIN_STRING_BYTE[QUOTE] = 0;
PLAIN_STRING_BYTE[0x5c] = 0; // backslash

export function isPlainStringByte(c: number): boolean {
  return PLAIN_STRING_BYTE[c] === 1;
}

/** A string starting at `p` (its opening quote); its text, unescaped as there are no escapes, is b[p + 1, end - 1). */
export function stringEnd(b: Uint8Array, p: number): number {
  if (b[p] !== QUOTE) return BAIL;
  let k = p + 1;
  // Four bytes a turn: most of a record's bytes are in strings, and this halves the loop's own cost.
  while (
    isPlainStringByte(b[k] as number) &&
    isPlainStringByte(b[k + 1] as number) &&
    isPlainStringByte(b[k + 2] as number) &&
    isPlainStringByte(b[k + 3] as number)
  )
    k += 4;
  while (isPlainStringByte(b[k] as number)) k++;
  return b[k] === QUOTE ? k + 1 : BAIL;
}

/** A JSON number literal (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) starting at `p`. */
export function numberEnd(b: Uint8Array, p: number): number {
  let k = p;
  if (b[k] === MINUS) k++;
  k = b[k] === ZERO ? k + 1 : digitsEnd(b, k);
  if (k !== BAIL && b[k] === DOT) k = digitsEnd(b, k + 1);
  if (k === BAIL) return BAIL;
  const e = b[k];
  if (e !== 0x65 && e !== 0x45) return k;
  k++;
  if (b[k] === 0x2b || b[k] === MINUS) k++;
  return digitsEnd(b, k);
}

/** One or more digits starting at `p`. */
function digitsEnd(b: Uint8Array, p: number): number {
  let k = p;
  while (isDigit(b[k] as number)) k++;
  return k > p ? k : BAIL;
}

export function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** `true`, `false` or `null` starting at `p`. */
function literalEnd(b: Uint8Array, p: number): number {
  if (isTrue(b, p)) return p + 4;
  if (isFalse(b, p)) return p + 5;
  if (b[p] === 0x6e && b[p + 1] === 0x75 && b[p + 2] === 0x6c && b[p + 3] === 0x6c) return p + 4;
  return BAIL;
}

export function isTrue(b: Uint8Array, p: number): boolean {
  return b[p] === 0x74 && b[p + 1] === 0x72 && b[p + 2] === 0x75 && b[p + 3] === 0x65;
}

export function isFalse(b: Uint8Array, p: number): boolean {
  return b[p] === 0x66 && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x73 && b[p + 4] === 0x65;
}

/** Any JSON value starting at `p`, skipped: its syntax checked, nothing kept. */
export function valueEnd(b: Uint8Array, p: number): number {
  const c = b[p];
  if (c === QUOTE) return stringEnd(b, p);
  if (c === OPEN_BRACE) {
    let k = p + 1;
    if (b[k] === CLOSE_BRACE) return k + 1;
    for (;;) {
      k = stringEnd(b, k);
      if (k === BAIL || b[k] !== COLON) return BAIL;
      k = valueEnd(b, k + 1);
      if (k === BAIL) return BAIL;
      if (b[k] === CLOSE_BRACE) return k + 1;
      if (b[k] !== COMMA) return BAIL;
      k++;
    }
  }
  if (c === OPEN_BRACKET) {
    let k = p + 1;
    if (b[k] === CLOSE_BRACKET) return k + 1;
    for (;;) {
      k = valueEnd(b, k);
      if (k === BAIL) return BAIL;
      if (b[k] === CLOSE_BRACKET) return k + 1;
      if (b[k] !== COMMA) return BAIL;
      k++;
    }
  }
  if (c === MINUS || isDigit(c as number)) return numberEnd(b, p);
  return literalEnd(b, p);
}

/** The names of the fields a reader looks for, each with its bit (distinct powers of two). */
export type FieldBits = ReadonlyArray<{ readonly name: Buffer; readonly bit: number }>;

export function fieldBits(bits: Readonly<Record<string, number>>): FieldBits {
  return Object.entries(bits).map(([name, bit]) => ({ name: Buffer.from(name, 'latin1'), bit }));
}

/** The bit of the field named b[start, end), or 0 for a field not in `fields`. */
export function fieldBit(fields: FieldBits, b: Uint8Array, start: number, end: number): number {
  for (const field of fields) if (bytesEqual(b, start, end, field.name)) return field.bit;
  return 0;
}

/** Whether b[start, end) holds exactly `bytes`. */
export function bytesEqual(b: Uint8Array, start: number, end: number, bytes: Uint8Array): boolean {
  if (end - start !== bytes.length) return false;
  for (let k = 0; k < bytes.length; k++) if (b[start + k] !== bytes[k]) return false;
  return true;
}

/** The text of b[start, end) — ASCII here, so Latin-1 reads it as UTF-8 would — for the rare slow branches. */
export function latin1(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');
}
