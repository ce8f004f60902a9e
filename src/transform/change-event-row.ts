import { isObject, itemToJson } from './attribute-json.ts';
import { creationTimeMs } from './creation-time.ts';
import {
  type ChangeEventRow,
  column,
  orderColumnsOf,
  ordersCdcRow,
  UNREPRESENTABLE,
} from './orders-cdc-row.ts';
import { RecordRejection } from './record-rejection.ts';

const EVENT_NAMES = new Set(['INSERT', 'MODIFY', 'REMOVE']);
const VIEWS_WITH_NEW_IMAGE = new Set(['NEW_IMAGE', 'NEW_AND_OLD_IMAGES']);
const VIEWS_WITH_OLD_IMAGE = new Set(['OLD_IMAGE', 'NEW_AND_OLD_IMAGES']);

/**
 * Maps one DynamoDB stream record (as EventBridge Pipes puts it on Kinesis, parsed) to an `orders_cdc` row,
 * columns in ORDERS_CDC_COLUMNS order. INSERT and MODIFY read NewImage, REMOVE reads OldImage; when the stream
 * view carries no image (KEYS_ONLY) the row is built from Keys. A missing attribute is a null column; a record
 * that is not a change event, or lacks what every row needs (key, eventID, sequence number, time), is rejected.
 */
export function changeEventRow(record: unknown): ChangeEventRow {
  return rowOf(record, undefined);
}

/** The kind of an `orders_cdc` row that is no change but an item as a table scan read it (the backfill). */
export const SNAPSHOT_EVENT = 'SNAPSHOT';

/**
 * The `orders_cdc` row of an item as a Scan read it (`gadget-cdc backfill`), in DynamoDB's JSON: of its own kind,
 * SNAPSHOT, which `current_orders` takes as any row and the change analytics leave out (it is not a sale, nor a
 * change), with sequence number "0", below every stream record's, so any captured change of the order wins.
 */
export function snapshotEventRow(
  item: Record<string, unknown>,
  eventID: string,
  scannedAtMs: number,
): ChangeEventRow {
  const record = {
    eventID,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(scannedAtMs / 1000),
      Keys: { orderid: item.orderid },
      NewImage: item,
      SequenceNumber: '0',
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
  return rowOf(record, SNAPSHOT_EVENT);
}

/** The row of a stream record, as `kind` when given (else its eventName). */
function rowOf(record: unknown, kind: string | undefined): ChangeEventRow {
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
  const columns = orderColumnsOf(image);
  columns.orderid = column('orderid', keys.orderid ?? image.orderid);
  if (columns.orderid === 'null') throw new RecordRejection('no orderid in dynamodb.Keys or the image');
  if (columns.orderid === UNREPRESENTABLE)
    throw new RecordRejection('orderid is neither a string nor a number: it cannot key an order');

  return ordersCdcRow({
    eventName: kind ?? eventName,
    eventID,
    sequenceNumber,
    timeMs,
    ttlDelete: isTtlDelete(record),
    columns,
    imageJsonLiteral: JSON.stringify(imageJson),
  });
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
