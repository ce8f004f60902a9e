import type { AttributeNames } from './attribute-names.ts';
import {
  BAIL,
  bytesEqual,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  isDigit,
  isFalse,
  isPlainStringByte,
  isTrue,
  numberEnd,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  stringEnd,
} from './byte-scanner.ts';
import { asciiBytes, type ByteWriter } from './byte-writer.ts';
import { AttributeKind, type OrderColumnSpans, orderColumnOf } from './order-column-spans.ts';

/**
 * The fast path's `image_json`: a DynamoDB item in its typed JSON (`{"price":{"N":"19.99"},…}`), read from
 * bytes at `p`, written to `out` as plain JSON (`{"price":19.99,…}`) already escaped for the inside of a JSON
 * string, as the row holds it: every `"` as `\"` (the bytes hold no backslash, see byte-scanner.ts). The
 * reference is `attribute-json.ts#itemToJson` then JSON.stringify; for any item this accepts, the text is
 * the same to the byte. Returns the position past the item, or BAIL for anything it does not handle:
 * a repeated name or one led by a digit (JSON.parse would keep the last value, or list integer-like names
 * first), a map too large for `AttributeNames`, a number needing canonicalisation, NULL other than true, a type
 * that is not DynamoDB's, more or fewer than one type in a value.
 *
 * With `columns`, the item's order attributes are noted there too (the top level of the changed image, or
 * the Keys). `names` keeps the names of the maps being read; the caller passes it empty.
 */
export function writeImageJson(
  b: Uint8Array,
  p: number,
  out: ByteWriter,
  names: AttributeNames,
  columns?: OrderColumnSpans,
): number {
  if (b[p] !== OPEN_BRACE) return BAIL;
  out.byte(OPEN_BRACE);
  let k = p + 1;
  if (b[k] === CLOSE_BRACE) {
    out.byte(CLOSE_BRACE);
    return k + 1;
  }
  const first = names.count;
  for (;;) {
    const nameStart = k + 1;
    // JavaScript objects list integer-like names first, so JSON.parse would reorder them: left to the plain path.
    if (isDigit(b[nameStart] as number)) return BAIL;
    if (names.count > first) out.byte(COMMA);
    const nameEnd = writeEscapedString(b, k, out) - 1;
    if (nameEnd < 0 || b[nameEnd + 1] !== COLON) return BAIL;
    if (!names.add(b, nameStart, nameEnd, first)) return BAIL;
    out.byte(COLON);
    const column = columns === undefined ? -1 : orderColumnOf(b, nameStart, nameEnd);
    k = attributeEnd(b, nameEnd + 2, out, names, columns, column);
    if (k === BAIL) return BAIL;
    if (b[k] === CLOSE_BRACE) break;
    if (b[k] !== COMMA) return BAIL;
    k++;
  }
  names.count = first;
  out.byte(CLOSE_BRACE);
  return k + 1;
}

/**
 * Room `writeImageJson` can need for `size` bytes of items: at most 2 bytes per byte read, as it only copies
 * or drops bytes, but for the `\` before each `"` of a name or string (`""` becomes `\"\"`).
 */
export function imageJsonRoom(size: number): number {
  return 2 * size + 16;
}

const BACKSLASH = 0x5c;
const TRUE = asciiBytes('true');
const FALSE = asciiBytes('false');
const NULL = asciiBytes('null');

/** DynamoDB's attribute types. */
const S = 1;
const N = 2;
const B = 3;
const BOOL = 4;
const NULL_TYPE = 5;
const M = 6;
const L = 7;
const SS = 8;
const NS = 9;
const BS = 10;
/** The one-letter types by their letter, and the sets by the letter before their S. */
const ONE_LETTER_TYPE = byLetter({ S, N, B, M, L });
const SET_TYPE = byLetter({ S: SS, N: NS, B: BS });
const BOOL_NAME = asciiBytes('BOOL');
const NULL_NAME = asciiBytes('NULL');

function byLetter(types: Readonly<Record<string, number>>): Uint8Array {
  const table = new Uint8Array(256);
  for (const [letter, type] of Object.entries(types)) table[letter.charCodeAt(0)] = type;
  return table;
}

/** The type named b[start, end), or 0 when it is no DynamoDB type. */
function typeOf(b: Uint8Array, start: number, end: number): number {
  const first = b[start] as number;
  if (end - start === 1) return ONE_LETTER_TYPE[first] as number;
  if (end - start === 2) return b[start + 1] === 0x53 ? (SET_TYPE[first] as number) : 0;
  if (bytesEqual(b, start, end, BOOL_NAME)) return BOOL;
  return bytesEqual(b, start, end, NULL_NAME) ? NULL_TYPE : 0;
}

/** One attribute value (`{"S":"…"}`, `{"N":"…"}`, …) at `p`, written as plain JSON; noted in `columns` at `column` (≥ 0). */
function attributeEnd(
  b: Uint8Array,
  p: number,
  out: ByteWriter,
  names: AttributeNames,
  columns: OrderColumnSpans | undefined,
  column: number,
): number {
  if (b[p] !== OPEN_BRACE) return BAIL;
  const typeEnd = stringEnd(b, p + 1) - 1;
  if (typeEnd < 0 || b[typeEnd + 1] !== COLON) return BAIL;
  const type = typeOf(b, p + 2, typeEnd);
  const at = typeEnd + 2;
  let k: number;
  let kind: AttributeKind = AttributeKind.OTHER;
  switch (type) {
    case S:
    case B:
      k = writeEscapedString(b, at, out);
      if (type === S) kind = AttributeKind.TEXT;
      break;
    case N:
      k = writeNumberText(b, at, out);
      kind = AttributeKind.TEXT;
      break;
    case BOOL:
      if (isTrue(b, at)) {
        out.chunk(TRUE);
        k = at + 4;
        kind = AttributeKind.BOOL_TRUE;
      } else if (isFalse(b, at)) {
        out.chunk(FALSE);
        k = at + 5;
        kind = AttributeKind.BOOL_FALSE;
      } else return BAIL;
      break;
    case NULL_TYPE:
      // NULL holding anything but true (null in image_json, UNREPRESENTABLE in a column): left to the reference.
      if (!isTrue(b, at)) return BAIL;
      out.chunk(NULL);
      k = at + 4;
      kind = AttributeKind.NULL;
      break;
    case M:
      k = writeImageJson(b, at, out, names);
      break;
    case L:
    case SS:
    case NS:
    case BS:
      k = writeList(b, at, out, names, type);
      break;
    default:
      return BAIL;
  }
  if (k === BAIL || b[k] !== CLOSE_BRACE) return BAIL; // exactly one type per value
  // TEXT spans the text inside the quotes (the number's too: N's text is the literal).
  if (column >= 0) columns?.set(column, kind, at + 1, k - 1);
  return k + 1;
}

/** A list at `p`: of attribute values (L), strings (SS, BS) or number texts (NS). */
function writeList(b: Uint8Array, p: number, out: ByteWriter, names: AttributeNames, type: number): number {
  if (b[p] !== OPEN_BRACKET) return BAIL;
  out.byte(OPEN_BRACKET);
  let k = p + 1;
  if (b[k] === CLOSE_BRACKET) {
    out.byte(CLOSE_BRACKET);
    return k + 1;
  }
  for (;;) {
    if (type === L) k = attributeEnd(b, k, out, names, undefined, -1);
    else if (type === NS) k = writeNumberText(b, k, out);
    else k = writeEscapedString(b, k, out);
    if (k === BAIL) return BAIL;
    if (b[k] === CLOSE_BRACKET) break;
    if (b[k] !== COMMA) return BAIL;
    out.byte(COMMA);
    k++;
  }
  out.byte(CLOSE_BRACKET);
  return k + 1;
}

/**
 * The string at `p` written as `\"text\"` (its text needs no escaping: byte-scanner.ts), read and copied in one
 * loop. Returns the position past it, or BAIL.
 */
function writeEscapedString(b: Uint8Array, p: number, out: ByteWriter): number {
  if (b[p] !== QUOTE) return BAIL;
  const bytes = out.bytes;
  let o = out.length;
  bytes[o++] = BACKSLASH;
  bytes[o++] = QUOTE;
  let k = p + 1;
  let c = b[k] as number;
  while (isPlainStringByte(c)) {
    bytes[o++] = c;
    c = b[++k] as number;
  }
  if (c !== QUOTE) return BAIL;
  bytes[o++] = BACKSLASH;
  bytes[o++] = QUOTE;
  out.length = o;
  return k + 1;
}

/**
 * A DynamoDB number's text (a string) at `p` that already is a JSON number literal, written as that literal;
 * any other number needs canonicalising (`attribute-json.ts#jsonNumber`): BAIL.
 */
function writeNumberText(b: Uint8Array, p: number, out: ByteWriter): number {
  if (b[p] !== QUOTE) return BAIL;
  const end = numberEnd(b, p + 1);
  if (end === BAIL || b[end] !== QUOTE) return BAIL;
  const bytes = out.bytes;
  let o = out.length;
  for (let k = p + 1; k < end; k++) bytes[o++] = b[k] as number;
  out.length = o;
  return end + 1;
}
