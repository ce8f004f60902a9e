import { ChangePlanner } from '../src/generator/change-planner.ts';
import { type OrderChange, orderKey, orderToItem } from '../src/generator/order.ts';
import type { FirehoseTransformationEvent, FirehoseTransformationRecord } from '../src/transform/firehose-event.ts';
import { handler } from '../src/transform/handler.ts';

const START_MS = Date.UTC(2026, 10, 22, 8, 0, 0);
const RUNS = 7;
/** Firehose's default processor buffer: it invokes the Lambda with about this much record data. */
const INVOCATION_BYTES = 1024 * 1024;

/**
 * Times the transform handler on N (default 100,000) change events planned by the order generator (its
 * default INSERT/MODIFY/REMOVE mix), each a DynamoDB stream record in the exact shape Pipes puts on Kinesis,
 * delivered in invocations of 1 MB of record data as Firehose's default processor buffer does (a single
 * 100k-record invocation would break Firehose's 6 MB limit). Prints the median of several runs after a
 * warm-up.
 */
export async function transformBenchmark(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 100_000);
  if (!Number.isInteger(count) || count < 1) throw new Error(`record count ${args[0]} is not a positive integer`);
  const records = firehoseRecordsOf(plannedChanges(count));
  const events = invocations(records);
  const payloadBytes = records.reduce((sum, r) => sum + Buffer.byteLength(r.data, 'base64'), 0);
  console.log(
    `transform benchmark: ${count} records, mean payload ${Math.round(payloadBytes / count)} bytes, ` +
      `${events.length} invocations of ~1 MB`,
  );

  const log = console.log;
  const rates: number[] = [];
  let failed = 0;
  try {
    console.log = () => {};
    for (let run = 0; run <= RUNS; run++) {
      failed = 0;
      const started = performance.now();
      for (const event of events) {
        const response = await handler(event);
        for (const record of response.records) if (record.result !== 'Ok') failed++;
      }
      const seconds = (performance.now() - started) / 1000;
      if (run > 0) rates.push(count / seconds); // run 0 warms the JIT
    }
  } finally {
    console.log = log;
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)] ?? 0;
  const format = (rate: number) => `${Math.round(rate).toLocaleString('en-US')} records/s`;
  console.log(`  handler: median ${format(median)} (min ${format(rates[0] ?? 0)}, max ${format(rates.at(-1) ?? 0)})`);
  console.log(`  results not Ok: ${failed}`);
}

function plannedChanges(count: number): OrderChange[] {
  let now = START_MS;
  const planner = new ChangePlanner({ seed: 'bench-transform', clock: () => (now += 37) });
  return Array.from({ length: count }, () => planner.next());
}

function invocations(records: readonly FirehoseTransformationRecord[]): FirehoseTransformationEvent[] {
  const events: FirehoseTransformationEvent[] = [];
  let batch: FirehoseTransformationRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    batch.push(record);
    bytes += Buffer.byteLength(record.data, 'base64');
    if (bytes >= INVOCATION_BYTES) {
      events.push(firehoseEvent(batch, events.length));
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) events.push(firehoseEvent(batch, events.length));
  return events;
}

function firehoseEvent(records: FirehoseTransformationRecord[], n: number): FirehoseTransformationEvent {
  return {
    invocationId: `bench-invocation-${n}`,
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/orders-cdc',
    sourceKinesisStreamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/kinesis-sales-order',
    region: 'us-east-1',
    records,
  };
}

function firehoseRecordsOf(changes: readonly OrderChange[]): FirehoseTransformationRecord[] {
  return changes.map((change, i): FirehoseTransformationRecord => {
    const arrival = START_MS + i * 37 + 900;
    const partitionKey = change.kind === 'delete' ? change.previous.orderid : change.order.orderid;
    const sequenceNumber = `4954698668313554428650745793${String(i).padStart(28, '0')}`;
    return {
      recordId: `${sequenceNumber}0000`,
      approximateArrivalTimestamp: arrival,
      data: Buffer.from(JSON.stringify(pipesStreamRecord(change, i)), 'utf8').toString('base64'),
      kinesisRecordMetadata: {
        shardId: 'shardId-000000000000',
        partitionKey,
        approximateArrivalTimestamp: arrival,
        sequenceNumber,
        subsequenceNumber: 0,
      },
    };
  });
}

/** A DynamoDB stream record as EventBridge Pipes puts it on Kinesis (AWS_CONTRACTS.md). */
function pipesStreamRecord(change: OrderChange, i: number): unknown {
  const eventName = change.kind === 'insert' ? 'INSERT' : change.kind === 'update' ? 'MODIFY' : 'REMOVE';
  const orderid = change.kind === 'delete' ? change.previous.orderid : change.order.orderid;
  return {
    eventID: `${i.toString(16).padStart(8, '0')}c4ca4238a0b923820dcc509a6f75849b`,
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
