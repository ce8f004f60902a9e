import {
  BAIL,
  bytesEqual,
  CLOSE_BRACE,
  COLON,
  COMMA,
  fieldBit,
  fieldBits,
  isDigit,
  numberEnd,
  OPEN_BRACE,
  QUOTE,
  stringEnd,
  valueEnd,
} from './byte-scanner.ts';
import { asciiBytes, type ByteWriter } from './byte-writer.ts';
import { creationTimeMsOf } from './creation-time.ts';
import { imageJsonRoom, writeImageJson } from './image-json-writer.ts';
import { AttributeKind, ORDERID_COLUMN } from './order-column-spans.ts';
import { EVENT_NAMES, type ScannedChangeEvent } from './scanned-change-event.ts';

const REMOVE = EVENT_NAMES.indexOf('REMOVE');
const EVENT_NAME_BYTES = EVENT_NAMES.map(asciiBytes);

/**
 * The transform's fast path, reading: one DynamoDB stream record as Pipes puts it on Kinesis, the UTF-8 JSON
 * bytes b[0, size) followed by END_OF_INPUT (byte-scanner.ts), read in one pass without building its object
 * tree. Fills `event` and writes the changed image's `image_json` into `image`; returns true when the record
 * is one the reference path (`change-event-row.ts`) turns into a row, and `event` then holds all it is made of.
 *
 * It returns false for whatever it does not handle, and the caller then runs the reference path, which
 * decides: every record the reference rejects (not a change event, no key, eventID, sequence number or time,
 * a malformed attribute, …), and those outside the common shape — whitespace between tokens, an escape or a
 * byte other than printable ASCII in any string, a repeated field it reads (JSON.parse keeps the last), a
 * creation time other than a number or a string, a missing image (keys-only streams), Keys or an image the
 * image writer does not handle (see image-json-writer.ts).
 */
export function scanStreamRecord(
  b: Uint8Array,
  size: number,
  event: ScannedChangeEvent,
  image: ByteWriter,
): boolean {
  event.eventName = 0;
  event.eventIdEnd = -1;
  event.sequenceEnd = -1;
  event.timeEnd = -1;
  event.ttlDelete = false;
  event.newImageAt = -1;
  event.oldImageAt = -1;
  event.imageWritten = false;
  event.columns.clear();
  event.keyColumns.clear();
  event.names.count = 0;
  image.length = 0;
  image.reserve(imageJsonRoom(size));

  if (b[0] !== OPEN_BRACE) return false;
  let seen = 0;
  let p = 1;
  for (;;) {
    const nameEnd = stringEnd(b, p) - 1;
    if (nameEnd < 0 || b[nameEnd + 1] !== COLON) return false;
    const field = fieldBit(RECORD_FIELDS, b, p + 1, nameEnd);
    if (seen & field) return false; // a repeated field read here: JSON.parse keeps the last
    seen |= field;
    const at = nameEnd + 2;
    let end: number;
    if (field === EVENT_NAME) {
      end = stringEnd(b, at);
      event.eventName = end === BAIL ? 0 : eventNameOf(b, at + 1, end - 1);
    } else if (field === EVENT_ID) {
      end = stringEnd(b, at);
      event.eventIdStart = at + 1;
      event.eventIdEnd = end - 1;
    } else if (field === USER_IDENTITY) end = userIdentityEnd(b, at, event);
    else if (field === DYNAMODB) end = dynamodbEnd(b, at, event, image);
    else end = valueEnd(b, at);
    if (end === BAIL) return false;
    p = end + 1;
    if (b[end] === CLOSE_BRACE) break;
    if (b[end] !== COMMA) return false;
  }
  if (p !== size) return false; // anything after the record: JSON.parse refuses it

  if (event.eventName === 0 || event.eventIdEnd <= event.eventIdStart) return false;
  if (!isSequenceNumber(b, event.sequenceStart, event.sequenceEnd) || event.timeEnd < 0) return false;
  event.timeMs = creationTimeMsOf(b, event.timeStart, event.timeEnd, event.timeIsText);
  if (Number.isNaN(event.timeMs)) return false;
  if (!event.imageWritten) {
    // eventName came after the images: write the changed one now.
    const at = event.eventName === REMOVE ? event.oldImageAt : event.newImageAt;
    if (at < 0 || changedImageEnd(b, at, event, image) === BAIL) return false;
  }
  if (image.overflowed()) return false;
  if (event.keyColumns.kind(ORDERID_COLUMN) !== AttributeKind.ABSENT)
    event.columns.copyColumn(ORDERID_COLUMN, event.keyColumns);
  // The row's key, a string column: text or a boolean; the reference rejects a record with anything else.
  const key = event.columns.kind(ORDERID_COLUMN);
  return key === AttributeKind.TEXT || key === AttributeKind.BOOL_TRUE || key === AttributeKind.BOOL_FALSE;
}

/** The fields read, as bits; any other field is skipped. */
const EVENT_NAME = 1;
const EVENT_ID = 2;
const USER_IDENTITY = 4;
const DYNAMODB = 8;
const RECORD_FIELDS = fieldBits({
  eventName: EVENT_NAME,
  eventID: EVENT_ID,
  userIdentity: USER_IDENTITY,
  dynamodb: DYNAMODB,
});

const CREATION_TIME = 1;
const SEQUENCE_NUMBER = 2;
const KEYS = 4;
const NEW_IMAGE = 8;
const OLD_IMAGE = 16;
const DYNAMODB_FIELDS = fieldBits({
  ApproximateCreationDateTime: CREATION_TIME,
  SequenceNumber: SEQUENCE_NUMBER,
  Keys: KEYS,
  NewImage: NEW_IMAGE,
  OldImage: OLD_IMAGE,
});

const TYPE = 1;
const PRINCIPAL_ID = 2;
const IDENTITY_FIELDS = fieldBits({ type: TYPE, principalId: PRINCIPAL_ID });
const SERVICE = asciiBytes('Service');
const DYNAMODB_PRINCIPAL = asciiBytes('dynamodb.amazonaws.com');

/** The `dynamodb` section at `p`. */
function dynamodbEnd(b: Uint8Array, p: number, event: ScannedChangeEvent, image: ByteWriter): number {
  if (b[p] !== OPEN_BRACE) return BAIL;
  let seen = 0;
  let k = p + 1;
  for (;;) {
    const nameEnd = stringEnd(b, k) - 1;
    if (nameEnd < 0 || b[nameEnd + 1] !== COLON) return BAIL;
    const field = fieldBit(DYNAMODB_FIELDS, b, k + 1, nameEnd);
    if (seen & field) return BAIL;
    seen |= field;
    const at = nameEnd + 2;
    if (field === CREATION_TIME) {
      event.timeIsText = b[at] === QUOTE;
      k = event.timeIsText ? stringEnd(b, at) : numberEnd(b, at);
      event.timeStart = event.timeIsText ? at + 1 : at;
      event.timeEnd = event.timeIsText ? k - 1 : k;
    } else if (field === SEQUENCE_NUMBER) {
      k = stringEnd(b, at);
      event.sequenceStart = at + 1;
      event.sequenceEnd = k - 1;
    } else if (field === KEYS) {
      // Only Keys' orderid is used: its image_json is written and dropped.
      const mark = image.length;
      k = writeImageJson(b, at, image, event.names, event.keyColumns);
      image.length = mark;
    } else if (field === NEW_IMAGE || field === OLD_IMAGE) {
      const changed = event.eventName !== 0 && (field === OLD_IMAGE) === (event.eventName === REMOVE);
      if (changed) k = changedImageEnd(b, at, event, image);
      else {
        if (field === NEW_IMAGE) event.newImageAt = at;
        else event.oldImageAt = at;
        k = valueEnd(b, at);
      }
    } else k = valueEnd(b, at);
    if (k === BAIL) return BAIL;
    if (b[k] === CLOSE_BRACE) return k + 1;
    if (b[k] !== COMMA) return BAIL;
    k++;
  }
}

/** The changed image at `p`: its `image_json` written, its order columns noted. */
function changedImageEnd(b: Uint8Array, p: number, event: ScannedChangeEvent, image: ByteWriter): number {
  event.imageStart = image.length;
  const end = writeImageJson(b, p, image, event.names, event.columns);
  event.imageEnd = image.length;
  event.imageWritten = end !== BAIL;
  return end;
}

function eventNameOf(b: Uint8Array, start: number, end: number): number {
  for (let name = 1; name < EVENT_NAME_BYTES.length; name++)
    if (bytesEqual(b, start, end, EVENT_NAME_BYTES[name] as Uint8Array)) return name;
  return 0;
}

/**
 * `userIdentity` at `p`: sets `event.ttlDelete` when it names the DynamoDB service principal, as
 * `change-event-row.ts#isTtlDelete` reads it (only an object can; anything else is skipped).
 */
function userIdentityEnd(b: Uint8Array, p: number, event: ScannedChangeEvent): number {
  if (b[p] !== OPEN_BRACE) return valueEnd(b, p);
  let k = p + 1;
  if (b[k] === CLOSE_BRACE) return k + 1;
  let seen = 0;
  let service = false;
  let principal = false;
  for (;;) {
    const nameEnd = stringEnd(b, k) - 1;
    if (nameEnd < 0 || b[nameEnd + 1] !== COLON) return BAIL;
    const field = fieldBit(IDENTITY_FIELDS, b, k + 1, nameEnd);
    if (seen & field) return BAIL;
    seen |= field;
    const at = nameEnd + 2;
    k = valueEnd(b, at);
    if (k === BAIL) return BAIL;
    const text = b[at] === QUOTE; // only a string can equal one
    if (field === TYPE) service = text && bytesEqual(b, at + 1, k - 1, SERVICE);
    else if (field === PRINCIPAL_ID) principal = text && bytesEqual(b, at + 1, k - 1, DYNAMODB_PRINCIPAL);
    if (b[k] === CLOSE_BRACE) break;
    if (b[k] !== COMMA) return BAIL;
    k++;
  }
  event.ttlDelete = service && principal;
  return k + 1;
}

/** 1 to 40 decimal digits, as `change-event-row.ts` requires of `dynamodb.SequenceNumber`. */
function isSequenceNumber(b: Uint8Array, start: number, end: number): boolean {
  if (end - start < 1 || end - start > 40) return false;
  for (let k = start; k < end; k++) if (!isDigit(b[k] as number)) return false;
  return true;
}
