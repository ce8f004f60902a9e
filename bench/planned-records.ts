import { createHash } from 'node:crypto';
import { quietTransform } from '../src/delivery/quiet-transform.ts';
import { ChangePlanner } from '../src/generator/change-planner.ts';
import { type OrderChange, orderKey, orderToItem } from '../src/generator/order.ts';
import type { FirehoseTransformationRecord } from '../src/transform/firehose-event.ts';
import { handler } from '../src/transform/handler.ts';

const START_MS = Date.UTC(2026, 10, 22, 8, 0, 0);

/**
 * Realistic input for the delivery-side benchmarks: N changes planned by the order generator (its default
 * INSERT/MODIFY/REMOVE mix, 37 ms apart), each as the DynamoDB stream record EventBridge Pipes puts on Kinesis,
 * wrapped as Firehose hands it to the transform.
 */
export function plannedFirehoseRecords(
  count: number,
  seed = 'bench-transform',
): FirehoseTransformationRecord[] {
  let now = START_MS;
  const clock = () => {
    now += 37;
    return now;
  };
  const planner = new ChangePlanner({ seed, clock });
  return Array.from({ length: count }, (_, i) => firehoseRecord(planner.next(), i, seed));
}

function firehoseRecord(change: OrderChange, i: number, seed: string): FirehoseTransformationRecord {
  const arrival = START_MS + i * 37 + 900;
  const partitionKey = change.kind === 'delete' ? change.previous.orderid : change.order.orderid;
  const sequenceNumber = `4954698668313554428650745793${String(i).padStart(28, '0')}`;
  return {
    recordId: `${sequenceNumber}0000`,
    approximateArrivalTimestamp: arrival,
    data: Buffer.from(JSON.stringify(pipesStreamRecord(change, i, seed)), 'utf8').toString('base64'),
    kinesisRecordMetadata: {
      shardId: 'shardId-000000000000',
      partitionKey,
      approximateArrivalTimestamp: arrival,
      sequenceNumber,
      subsequenceNumber: 0,
    },
  };
}

/** A DynamoDB stream record as EventBridge Pipes puts it on Kinesis (docs/aws-contracts.md, Pipes). */
function pipesStreamRecord(change: OrderChange, i: number, seed: string): unknown {
  const eventName = change.kind === 'insert' ? 'INSERT' : change.kind === 'update' ? 'MODIFY' : 'REMOVE';
  const orderid = change.kind === 'delete' ? change.previous.orderid : change.order.orderid;
  return {
    // Unique per seed and record, 32 hex digits like DynamoDB's.
    eventID: createHash('md5').update(`${seed}/${i}`).digest('hex'),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor((START_MS + i * 37) / 1000),
      Keys: orderKey(orderid),
      ...(change.kind !== 'delete' && { NewImage: orderToItem(change.order) }),
      ...(change.kind !== 'insert' && { OldImage: orderToItem(change.previous) }),
      SequenceNumber: String(100_000_000_000_000_000_000n + BigInt(i) * 100n),
      SizeBytes: 250,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN:
      'arn:aws:dynamodb:us-east-1:123456789012:table/OrdersRawTable/stream/2026-11-22T00:00:00.000',
  };
}

/** Records per invocation: about 1 MB, as the delivery's processor hint hands them over (a response stays < 6 MB). */
const INVOCATION_RECORDS = 2_000;

/**
 * The `orders_cdc` rows the transform makes of these records, as JSON lines (invoked in ~1 MB batches, its
 * log lines dropped); a record the transform does not answer Ok for is an error, not a silent gap.
 */
export async function transformedRows(records: readonly FirehoseTransformationRecord[]): Promise<Buffer> {
  const transform = quietTransform(handler, () => undefined);
  const rows: Buffer[] = [];
  for (let start = 0; start < records.length; start += INVOCATION_RECORDS) {
    const answer = await transform({
      invocationId: `bench-${start}`,
      deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/orders-cdc',
      region: 'us-east-1',
      records: records.slice(start, start + INVOCATION_RECORDS),
    });
    for (const record of answer.records) {
      if (record.result !== 'Ok')
        throw new Error(`the transform answered ${record.result} for ${record.recordId}`);
      rows.push(Buffer.from(record.data, 'base64'));
    }
  }
  return Buffer.concat(rows);
}
