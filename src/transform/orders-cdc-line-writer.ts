import { BAIL, isDigit, latin1, MINUS, QUOTE } from './byte-scanner.ts';
import { asciiBytes, type ByteWriter } from './byte-writer.ts';
import { writeIsoTime } from './iso-time-writer.ts';
import {
  AttributeKind,
  ORDER_COLUMN_NAMES,
  type OrderColumnSpans,
  PRICE_COLUMN,
  QUANTITY_COLUMN,
} from './order-column-spans.ts';
import { numericColumn, UNREPRESENTABLE } from './orders-cdc-row.ts';
import { EVENT_NAMES, type ScannedChangeEvent } from './scanned-change-event.ts';

/**
 * The fast path's `orders_cdc` line: what `orders-cdc-row.ts#ordersCdcRow` writes, to the byte, written as bytes
 * into `out` (from its start) from a record the scanner read (`b`, its bytes; `image`, the image writer).
 * Returns the names of the unrepresentable columns as the `unrepresentable` column holds them, '' when every
 * value fits. The caller checks
 * `out.overflowed()` after (see byte-writer.ts).
 */
export function writeOrdersCdcLine(
  out: ByteWriter,
  b: Buffer,
  event: ScannedChangeEvent,
  image: ByteWriter,
): string {
  const { columns } = event;
  out.length = 0;
  out.reserve(lineRoom(event));
  let unrepresentable = 0;
  for (let column = 0; column < ROW_COLUMNS_BEFORE_EVENT; column++)
    unrepresentable |= writeColumn(out, b, columns, column);
  out.chunk(CDC_EVENT_TYPE[event.eventName] as Buffer);
  writeIsoTime(out, event.timeMs);
  out.chunk(EVENT_ID);
  out.copy(b, event.eventIdStart, event.eventIdEnd);
  out.chunk(SEQUENCE_NUMBER);
  out.copy(b, event.sequenceStart, event.sequenceEnd);
  out.chunk(EVENT_TIME_MS);
  out.digits(event.timeMs);
  for (let column = ROW_COLUMNS_BEFORE_EVENT; column < ORDER_COLUMN_NAMES.length; column++)
    unrepresentable |= writeColumn(out, b, columns, column);
  out.chunk(event.ttlDelete ? TTL_DELETE_TRUE : TTL_DELETE_FALSE);
  out.copy(image.bytes, event.imageStart, event.imageEnd);
  if (unrepresentable === 0) {
    out.chunk(UNREPRESENTABLE_NULL);
    return '';
  }
  const names = unrepresentableNames(unrepresentable);
  out.chunk(UNREPRESENTABLE_OPEN);
  out.ascii(names);
  out.chunk(UNREPRESENTABLE_CLOSE);
  return names;
}

/**
 * Room the line can need: its fixed text, the time, every column at its longest (a rendered number, "false",
 * quotes, null) and the column names in `unrepresentable`, all within LINE_ROOM, then what it copies.
 */
function lineRoom(event: ScannedChangeEvent): number {
  let room = LINE_ROOM + event.eventIdEnd - event.eventIdStart + event.sequenceEnd - event.sequenceStart;
  room += event.imageEnd - event.imageStart;
  for (let column = 0; column < ORDER_COLUMN_NAMES.length; column++)
    room += event.columns.end(column) - event.columns.start(column);
  return room;
}

const LINE_ROOM = 1024;

/** The `unrepresentable` column's text for those bits: the column names, comma-separated; '' for none. */
function unrepresentableNames(bits: number): string {
  if (bits === 0) return '';
  return ORDER_COLUMN_NAMES.filter((_, column) => bits & (1 << column)).join(',');
}

/** The row's order columns before `cdc_event_type` (orderid, product_name, quantity, price); the rest follow `event_time_ms`. */
const ROW_COLUMNS_BEFORE_EVENT = 4;
const COLUMN_PREFIXES = ORDER_COLUMN_NAMES.map((name, column) =>
  asciiBytes(`${column === 0 ? '{' : ','}"${name}":`),
);
const CDC_EVENT_TYPE = EVENT_NAMES.map((name) =>
  asciiBytes(`,"cdc_event_type":"${name}","creation_datetime":"`),
);
const EVENT_ID = asciiBytes('","event_id":"');
const SEQUENCE_NUMBER = asciiBytes('","sequence_number":"');
const EVENT_TIME_MS = asciiBytes('","event_time_ms":');
const TTL_DELETE_TRUE = asciiBytes(',"ttl_delete":true,"image_json":"');
const TTL_DELETE_FALSE = asciiBytes(',"ttl_delete":false,"image_json":"');
const UNREPRESENTABLE_NULL = asciiBytes('","unrepresentable":null}\n');
const UNREPRESENTABLE_OPEN = asciiBytes('","unrepresentable":"');
const UNREPRESENTABLE_CLOSE = asciiBytes('"}\n');
const NULL = asciiBytes('null');
const QUOTED_TRUE = asciiBytes('"true"');
const QUOTED_FALSE = asciiBytes('"false"');
const DOT = 0x2e;
const ZERO = 0x30;

/**
 * One order column, as `orders-cdc-row.ts#column` renders it: S or N text quoted in a string column, as the
 * exact literal of its type in `quantity` (int) and `price` (decimal(12,2)), BOOL as "true"/"false" in a string
 * column, null for no attribute or NULL. Anything else is UNREPRESENTABLE: null, and the column's bit returned.
 */
function writeColumn(out: ByteWriter, b: Buffer, columns: OrderColumnSpans, column: number): number {
  out.chunk(COLUMN_PREFIXES[column] as Buffer);
  const kind = columns.kind(column);
  const numeric = column === QUANTITY_COLUMN || column === PRICE_COLUMN;
  if (kind === AttributeKind.ABSENT || kind === AttributeKind.NULL) {
    out.chunk(NULL);
    return 0;
  }
  if (kind === AttributeKind.TEXT) {
    const start = columns.start(column);
    const end = columns.end(column);
    if (!numeric) {
      out.byte(QUOTE);
      out.copy(b, start, end);
      out.byte(QUOTE);
      return 0;
    }
    if (column === QUANTITY_COLUMN ? isInt32Literal(b, start, end) : isDecimal12x2Literal(b, start, end)) {
      out.copy(b, start, end);
      return 0;
    }
    // Another form (exponent, trailing zeros, spaces, …) or out of range: the reference decides.
    const rendered = numericColumn(column === QUANTITY_COLUMN ? 'quantity' : 'price', latin1(b, start, end));
    if (rendered !== UNREPRESENTABLE) {
      out.ascii(rendered);
      return 0;
    }
  } else if (!numeric && kind === AttributeKind.BOOL_TRUE) {
    out.chunk(QUOTED_TRUE);
    return 0;
  } else if (!numeric && kind === AttributeKind.BOOL_FALSE) {
    out.chunk(QUOTED_FALSE);
    return 0;
  }
  out.chunk(NULL);
  return 1 << column;
}

/** Whether b[start, end) is a literal Hive's `int` holds as written: `-?(0|[1-9][0-9]{0,9})` within int32. */
function isInt32Literal(b: Uint8Array, start: number, end: number): boolean {
  const digits = b[start] === MINUS ? start + 1 : start;
  const last = wholeNumberEnd(b, digits, end);
  if (last !== end) return false;
  let value = 0;
  for (let k = digits; k < end; k++) value = value * 10 + (b[k] as number) - 48;
  return digits === start ? value <= 2_147_483_647 : value <= 2_147_483_648;
}

/** Whether b[start, end) is a literal `decimal(12,2)` holds as written: `-?(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?`. */
function isDecimal12x2Literal(b: Uint8Array, start: number, end: number): boolean {
  let k = wholeNumberEnd(b, b[start] === MINUS ? start + 1 : start, end);
  if (k === end) return true;
  if (k === BAIL || b[k] !== DOT) return false;
  const fraction = ++k;
  while (k < end && isDigit(b[k] as number)) k++;
  return k === end && k - fraction >= 1 && k - fraction <= 2;
}

/** `0|[1-9][0-9]{0,9}` at `p`, within `end`: where it ends, or BAIL. */
function wholeNumberEnd(b: Uint8Array, p: number, end: number): number {
  if (p >= end || !isDigit(b[p] as number)) return BAIL;
  if (b[p] === ZERO) return p + 1;
  let k = p + 1;
  while (k < end && isDigit(b[k] as number)) k++;
  return k - p <= 10 ? k : BAIL;
}
