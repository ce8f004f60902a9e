import { isObject, itemToJson, jsonNumber } from './attribute-json.ts';
import { creationTimeMs } from './creation-time.ts';
import { RecordRejection } from './record-rejection.ts';

/** One `orders_cdc` row as a JSON line (ending in "\n"), and its partition. */
export interface ChangeEventRow {
  readonly line: string;
  /** UTC date of the change, YYYY-MM-DD: the `dt` partition key. */
  readonly dt: string;
}

const EVENT_NAMES = new Set(['INSERT', 'MODIFY', 'REMOVE']);
const VIEWS_WITH_NEW_IMAGE = new Set(['NEW_IMAGE', 'NEW_AND_OLD_IMAGES']);
const VIEWS_WITH_OLD_IMAGE = new Set(['OLD_IMAGE', 'NEW_AND_OLD_IMAGES']);
const INT32_MAX = 2_147_483_647;

/**
 * Maps one DynamoDB stream record (as EventBridge Pipes puts it on Kinesis, parsed) to an `orders_cdc` row,
 * columns in ORDERS_CDC_COLUMNS order. INSERT and MODIFY read NewImage, REMOVE reads OldImage; when the stream
 * view carries no image (KEYS_ONLY) the row is built from Keys. A missing attribute is a null column; a record
 * that is not a change event, or lacks what every row needs (key, eventID, sequence number, time), is rejected.
 */
export function changeEventRow(record: unknown): ChangeEventRow {
  if (!isObject(record)) throw new RecordRejection('the record is not a JSON object');
  const { eventName, eventID, dynamodb } = record;
  if (typeof eventName !== 'string' || !EVENT_NAMES.has(eventName)) {
    throw new RecordRejection(`eventName ${JSON.stringify(eventName)} is not INSERT, MODIFY or REMOVE`);
  }
  if (!isObject(dynamodb)) throw new RecordRejection('no "dynamodb" section: not a DynamoDB stream record');
  if (typeof eventID !== 'string' || eventID === '') throw new RecordRejection('eventID is missing');
  const sequenceNumber = dynamodb.SequenceNumber;
  if (typeof sequenceNumber !== 'string' || !/^\d{1,40}$/.test(sequenceNumber)) {
    throw new RecordRejection(
      `dynamodb.SequenceNumber ${JSON.stringify(sequenceNumber)} is not a decimal string`,
    );
  }
  const timeMs = creationTimeMs(dynamodb.ApproximateCreationDateTime);
  const { image, source } = changedImage(eventName, dynamodb);
  const imageJson = itemToJson(image, `dynamodb.${source}`);
  const keys = isObject(dynamodb.Keys) ? dynamodb.Keys : {};
  const orderid = stringColumn(keys.orderid ?? image.orderid);
  if (orderid === 'null') throw new RecordRejection('no orderid in dynamodb.Keys or the image');

  const iso = new Date(timeMs).toISOString();
  const line =
    `{"orderid":${orderid}` +
    `,"product_name":${stringColumn(image.product_name)}` +
    `,"quantity":${intColumn(image.quantity)}` +
    `,"price":${decimalColumn(image.price)}` +
    `,"cdc_event_type":"${eventName}"` +
    `,"creation_datetime":"${iso}"` +
    `,"event_id":${JSON.stringify(eventID)}` +
    `,"sequence_number":"${sequenceNumber}"` +
    `,"event_time_ms":${timeMs}` +
    `,"status":${stringColumn(image.status)}` +
    `,"customer_id":${stringColumn(image.customer_id)}` +
    `,"created_at":${stringColumn(image.created_at)}` +
    `,"updated_at":${stringColumn(image.updated_at)}` +
    `,"ttl_delete":${isTtlDelete(record)}` +
    `,"image_json":${JSON.stringify(imageJson)}}\n`;
  return { line, dt: iso.slice(0, 10) };
}

function changedImage(eventName: string, dynamodb: Record<string, unknown>) {
  const source = eventName === 'REMOVE' ? 'OldImage' : 'NewImage';
  const image = dynamodb[source];
  if (isObject(image)) return { image, source };
  const view = dynamodb.StreamViewType;
  const expected = source === 'NewImage' ? VIEWS_WITH_NEW_IMAGE : VIEWS_WITH_OLD_IMAGE;
  if (typeof view === 'string' && expected.has(view)) {
    throw new RecordRejection(`dynamodb.${source} is missing although StreamViewType is ${view}`);
  }
  if (!isObject(dynamodb.Keys))
    throw new RecordRejection(`dynamodb.${source} and dynamodb.Keys are both missing`);
  return { image: dynamodb.Keys, source: 'Keys' };
}

/** TTL deletions are made by the DynamoDB service principal (AWS docs, "DynamoDB Streams and Time to Live"). */
function isTtlDelete(record: Record<string, unknown>): boolean {
  const identity = record.userIdentity;
  return (
    isObject(identity) && identity.type === 'Service' && identity.principalId === 'dynamodb.amazonaws.com'
  );
}

/** A string column: S as is, N as its text, BOOL as "true"/"false"; other types (and absence) are null. */
function stringColumn(attribute: unknown): string {
  if (!isObject(attribute)) return 'null';
  const text = attribute.S ?? attribute.N;
  if (typeof text === 'string') return JSON.stringify(text);
  return typeof attribute.BOOL === 'boolean' ? `"${attribute.BOOL}"` : 'null';
}

/** An int column: an integral N (or numeric S) within int32, else null (the value stays in image_json). */
function intColumn(attribute: unknown): string {
  const text = numericText(attribute);
  if (text === undefined || !/^-?\d{1,10}$/.test(text)) return 'null';
  return Math.abs(Number(text)) <= INT32_MAX ? String(Number(text)) : 'null';
}

/** A decimal column: the number's exact digits as a JSON number, else null. */
function decimalColumn(attribute: unknown): string {
  const text = numericText(attribute);
  if (text === undefined) return 'null';
  try {
    return jsonNumber(text, 'price');
  } catch {
    return 'null';
  }
}

function numericText(attribute: unknown): string | undefined {
  if (!isObject(attribute)) return undefined;
  const text = attribute.N ?? attribute.S;
  return typeof text === 'string' ? text.trim() : undefined;
}
