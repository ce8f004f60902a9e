import { creationTimeMs } from './creation-time.ts';
import {
  type ChangeEventRow,
  nullOrderColumns,
  type OrderColumns,
  ordersCdcRow,
  renderColumn,
  UNREPRESENTABLE,
} from './orders-cdc-row.ts';

/**
 * The transform's hot path. Reads the base64 of one Pipes stream record and writes its `orders_cdc` row in a
 * single pass over the text, without building the record's object tree: about twice as fast as the plain
 * path.
 *
 * It only handles the common shape and returns undefined for anything else — invalid base64 or JSON, a
 * backslash escape or a non-ASCII character in any string, a repeated or digit-led name, a DynamoDB number
 * that needs canonicalising, a NULL other than true, a missing image, a record the plain path would reject —
 * and the caller then runs the plain path (`changeEventRow` over JSON.parse), which decides. For every input
 * it accepts, its row is the plain path's row to the byte: `stream-record-scanner.property.test.ts` checks
 * that differentially.
 */
export function scanChangeEvent(base64: string): ChangeEventRow | undefined {
  try {
    const text = atob(base64);
    // atob is forgiving (skips whitespace, padding optional); accept only what strict base64 decodes to.
    const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
    if (base64.length % 4 !== 0 || text.length !== (base64.length / 4) * 3 - padding) return undefined;
    // Two native passes instead of a check per character: no escapes, nothing outside printable ASCII (so no
    // whitespace either: Pipes sends compact JSON). Every string's raw text is then its value.
    if (text.indexOf('\\') !== -1 || NOT_PRINTABLE_ASCII.test(text)) return undefined;
    s = text;
    i = 0;
    return changeEventRow();
  } catch {
    return undefined;
  } finally {
    s = '';
  }
}

/** Thrown (never built anew, never escapes this module) when the input leaves the shape handled here. */
const BAIL = new Error('not on the fast path');
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;
const ONE_LETTER_TYPES: Readonly<Record<number, string>> = { 66: 'B', 76: 'L', 77: 'M', 78: 'N', 83: 'S' };
const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** The text being scanned and the position in it: module state, as this path runs to completion. */
let s = '';
let i = 0;
/** Bit per record field read so far: a repeated one bails (JSON.parse would keep the last). */
let seen = 0;
/** Attribute names of the maps being read, innermost last, to spot a repeated one. */
const names: string[] = [];
/** The type and text of the attribute value `attribute()` last read, for rendering columns. */
let lastType = '';
let lastText = '';

function bail(): never {
  throw BAIL;
}

function once(bit: number): void {
  if (seen & bit) bail();
  seen |= bit;
}

function changeEventRow(): ChangeEventRow | undefined {
  let eventName: string | undefined;
  let eventID: string | undefined;
  let sequenceNumber: string | undefined;
  let time: string | number | undefined;
  let ttlDelete = false;
  let imageJson: string | undefined;
  let newImageAt = -1;
  let oldImageAt = -1;
  const columns = nullOrderColumns();
  const keyColumns = nullOrderColumns();
  keyColumns.orderid = ''; // '' until Keys holds an orderid (a rendered column is never empty)
  seen = 0;
  names.length = 0;

  take(OPEN_BRACE);
  do {
    const key = string();
    take(COLON);
    if (key === 'eventName') {
      once(1);
      eventName = string();
    } else if (key === 'eventID') {
      once(2);
      eventID = string();
    } else if (key === 'userIdentity') {
      once(4);
      ttlDelete = isTtlIdentity();
    } else if (key === 'dynamodb') {
      once(8);
      take(OPEN_BRACE);
      do {
        const field = string();
        take(COLON);
        if (field === 'ApproximateCreationDateTime') {
          once(16);
          time = s.charCodeAt(i) === QUOTE ? string() : Number(number());
        } else if (field === 'SequenceNumber') {
          once(32);
          sequenceNumber = string();
        } else if (field === 'Keys') {
          once(64);
          item(keyColumns);
        } else if (field === 'NewImage' || field === 'OldImage') {
          once(field === 'NewImage' ? 128 : 256);
          if (eventName === undefined) {
            // Which image counts is not known yet: remember where each starts, convert the right one later.
            if (field === 'NewImage') newImageAt = i;
            else oldImageAt = i;
            skip();
          } else if ((field === 'OldImage') === (eventName === 'REMOVE')) imageJson = item(columns);
          else skip();
        } else skip();
      } while (more(CLOSE_BRACE));
    } else skip();
  } while (more(CLOSE_BRACE));
  if (i !== s.length) bail();

  if (eventName !== 'INSERT' && eventName !== 'MODIFY' && eventName !== 'REMOVE') return undefined;
  if (eventID === undefined || eventID === '' || !isSequenceNumber(sequenceNumber)) return undefined;
  if (time === undefined) return undefined;
  if (imageJson === undefined) {
    i = eventName === 'REMOVE' ? oldImageAt : newImageAt;
    if (i < 0) return undefined;
    imageJson = item(columns);
  }
  if (keyColumns.orderid !== '') columns.orderid = keyColumns.orderid;
  if (columns.orderid === 'null' || columns.orderid === UNREPRESENTABLE) return undefined;
  return ordersCdcRow({
    eventName,
    eventID,
    sequenceNumber,
    timeMs: creationTimeMs(time),
    ttlDelete,
    columns,
    imageJsonLiteral: `"${imageJson}"`,
  });
}

/**
 * A map of attributes converted to plain JSON, already escaped for use inside a JSON string (every `"` as
 * `\"`; the text holds no backslash). Attributes that feed order columns are rendered into `columns`.
 */
function item(columns?: OrderColumns): string {
  take(OPEN_BRACE);
  if (s.charCodeAt(i) === CLOSE_BRACE) {
    i++;
    return '{}';
  }
  let json = '{';
  const first = names.length;
  do {
    const name = string();
    // JavaScript objects list integer-like names first, so JSON.parse would reorder them: leave to the plain path.
    const initial = name.charCodeAt(0);
    if ((initial >= 48 && initial <= 57) || names.indexOf(name, first) !== -1) bail();
    take(COLON);
    json += `${names.length > first ? ',' : ''}\\"${name}\\":${attribute()}`;
    names.push(name);
    if (columns !== undefined) storeColumn(columns, name);
  } while (more(CLOSE_BRACE));
  names.length = first;
  return `${json}}`;
}

/**
 * Renders the attribute just read into its column, if it feeds one. Compares names with `===` rather than
 * looking them up: a lookup keyed by a sliced string must first intern it, which costs more than the rest.
 */
function storeColumn(columns: OrderColumns, name: string): void {
  if (name === 'orderid') columns.orderid = renderedColumn('orderid');
  else if (name === 'product_name') columns.product_name = renderedColumn('product_name');
  else if (name === 'quantity') columns.quantity = renderedColumn('quantity');
  else if (name === 'price') columns.price = renderedColumn('price');
  else if (name === 'status') columns.status = renderedColumn('status');
  else if (name === 'customer_id') columns.customer_id = renderedColumn('customer_id');
  else if (name === 'created_at') columns.created_at = renderedColumn('created_at');
  else if (name === 'updated_at') columns.updated_at = renderedColumn('updated_at');
}

/** The column `orders-cdc-row.ts#column` makes of the attribute just read (its strings need no escaping here). */
function renderedColumn(name: keyof OrderColumns): string {
  if (lastType === 'S' || lastType === 'N') return renderColumn(name, lastText, `"${lastText}"`);
  if (lastType === 'NULL') return 'null';
  if (lastType !== 'BOOL' || name === 'quantity' || name === 'price') return UNREPRESENTABLE;
  return `"${lastText}"`;
}

/** One attribute value (`{"S":"…"}`, `{"N":"…"}`, …) as plain JSON, escaped like `item`'s. */
function attribute(): string {
  take(OPEN_BRACE);
  let type: string;
  if (s.charCodeAt(i) === QUOTE && s.charCodeAt(i + 2) === QUOTE) {
    type = ONE_LETTER_TYPES[s.charCodeAt(i + 1)] ?? bail(); // most types are one letter: no slice needed
    i += 3;
  } else type = string();
  take(COLON);
  let json: string;
  switch (type) {
    case 'S':
    case 'B':
      lastText = string();
      json = `\\"${lastText}\\"`;
      break;
    case 'N':
      lastText = numberText();
      json = lastText;
      break;
    case 'BOOL':
      json = literal('true') ? 'true' : literal('false') ? 'false' : bail();
      lastText = json;
      break;
    case 'NULL':
      json = literal('true') ? 'null' : bail();
      break;
    case 'M':
      json = item();
      break;
    case 'L':
      json = list(attribute);
      break;
    case 'SS':
    case 'BS':
      json = list(() => `\\"${string()}\\"`);
      break;
    case 'NS':
      json = list(numberText);
      break;
    default:
      bail();
  }
  lastType = type;
  take(CLOSE_BRACE); // exactly one type per value
  return json;
}

function list(element: () => string): string {
  take(OPEN_BRACKET);
  if (s.charCodeAt(i) === CLOSE_BRACKET) {
    i++;
    return '[]';
  }
  let json = '[';
  let first = true;
  do {
    json += first ? element() : `,${element()}`;
    first = false;
  } while (more(CLOSE_BRACKET));
  return `${json}]`;
}

/** A DynamoDB number string that is already a JSON number literal (anything else needs canonicalising). */
function numberText(): string {
  const text = string();
  if (numberEnd(text, 0) !== text.length) bail();
  return text;
}

function isTtlIdentity(): boolean {
  if (s.charCodeAt(i) !== OPEN_BRACE) {
    skip();
    return false;
  }
  let type: unknown;
  let principal: unknown;
  let seen = 0;
  take(OPEN_BRACE);
  if (s.charCodeAt(i) === CLOSE_BRACE) {
    i++;
    return false;
  }
  do {
    const key = string();
    take(COLON);
    const isString = s.charCodeAt(i) === QUOTE;
    if (key === 'type' || key === 'principalId') {
      const bit = key === 'type' ? 1 : 2;
      if (seen & bit) bail();
      seen |= bit;
      const value = isString ? string() : skip();
      if (bit === 1) type = value;
      else principal = value;
    } else skip();
  } while (more(CLOSE_BRACE));
  return type === 'Service' && principal === 'dynamodb.amazonaws.com';
}

function isSequenceNumber(text: string | undefined): text is string {
  if (text === undefined || text.length < 1 || text.length > 40) return false;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Skips one JSON value, checking its syntax as JSON.parse would (within this path's limits). */
function skip(): undefined {
  const c = s.charCodeAt(i);
  if (c === OPEN_BRACE) {
    i++;
    if (s.charCodeAt(i) === CLOSE_BRACE) i++;
    else
      do {
        string();
        take(COLON);
        skip();
      } while (more(CLOSE_BRACE));
  } else if (c === OPEN_BRACKET) {
    i++;
    if (s.charCodeAt(i) === CLOSE_BRACKET) i++;
    else
      do skip();
      while (more(CLOSE_BRACKET));
  } else if (c === QUOTE) string();
  else if (!literal('true') && !literal('false') && !literal('null')) number();
  return undefined;
}

/** A string: its raw text is its value, as the whole text holds no escape and only printable ASCII. */
function string(): string {
  if (s.charCodeAt(i) !== QUOTE) bail();
  const end = s.indexOf('"', i + 1);
  if (end < 0) bail();
  const text = s.slice(i + 1, end);
  i = end + 1;
  return text;
}

function number(): string {
  const end = numberEnd(s, i);
  if (end < 0) bail();
  const text = s.slice(i, end);
  i = end;
  return text;
}

/** Where the JSON number literal starting at `at` ends, or -1 if none starts there. */
function numberEnd(text: string, at: number): number {
  let k = at;
  if (text.charCodeAt(k) === 45) k++;
  k = text.charCodeAt(k) === 48 ? k + 1 : digitsEnd(text, k);
  if (k !== -1 && text.charCodeAt(k) === 46) k = digitsEnd(text, k + 1);
  if (k === -1) return -1;
  const e = text.charCodeAt(k);
  if (e === 101 || e === 69) {
    k++;
    const sign = text.charCodeAt(k);
    if (sign === 43 || sign === 45) k++;
    k = digitsEnd(text, k);
  }
  return k;
}

/** Where the run of one or more digits at `at` ends, or -1 if there is no digit there. */
function digitsEnd(text: string, at: number): number {
  let k = at;
  for (let c = text.charCodeAt(k); c >= 48 && c <= 57; c = text.charCodeAt(++k));
  return k > at ? k : -1;
}

function literal(word: 'true' | 'false' | 'null'): boolean {
  if (!s.startsWith(word, i)) return false;
  i += word.length;
  return true;
}

function take(code: number): void {
  if (s.charCodeAt(i) !== code) bail();
  i++;
}

/** After a member or element: true at a comma (another follows), false at the closing `close`. */
function more(close: number): boolean {
  const c = s.charCodeAt(i++);
  if (c === COMMA) return true;
  if (c !== close) bail();
  return false;
}
