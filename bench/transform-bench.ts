import type {
  FirehoseTransformationEvent,
  FirehoseTransformationRecord,
} from '../src/transform/firehose-event.ts';
import { handler } from '../src/transform/handler.ts';
import { transformBatch } from '../src/transform/transform-batch.ts';
import { plainTransformRecord } from '../src/transform/transform-record.ts';
import { plannedFirehoseRecords } from './planned-records.ts';

const RUNS = 7;
/** Firehose's default processor buffer: it invokes the Lambda with about this much record data. */
const INVOCATION_BYTES = 1024 * 1024;

/**
 * Times the transform handler on N (default 100,000) change events planned by the order generator (its
 * default INSERT/MODIFY/REMOVE mix), each a DynamoDB stream record in the exact shape Pipes puts on Kinesis,
 * delivered in invocations of 1 MB of record data as Firehose's default processor buffer does (a single
 * 100k-record invocation would break Firehose's 6 MB limit). Prints the median of several runs after a
 * warm-up, for the handler, for the plain reference path alone, and for JSON.parse alone of the same payloads
 * (a yardstick that moves with the machine's speed).
 */
export async function transformBenchmark(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 100_000);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`record count ${args[0]} is not a positive integer`);
  const records = plannedFirehoseRecords(count);
  const events = invocations(records);
  const payloadBytes = records.reduce((sum, r) => sum + Buffer.byteLength(r.data, 'base64'), 0);
  console.log(
    `transform benchmark: ${count} records, mean payload ${Math.round(payloadBytes / count)} bytes, ` +
      `${events.length} invocations of ~1 MB`,
  );

  const texts = records.map((r) => Buffer.from(r.data, 'base64').toString('utf8'));
  const cases = {
    'handler (fast path)         ': async () => {
      let failed = 0;
      for (const event of events)
        for (const record of (await handler(event)).records) if (record.result !== 'Ok') failed++;
      return failed;
    },
    'plain path (JSON.parse+tree)': async () => {
      let failed = 0;
      for (const event of events)
        for (const record of transformBatch(event, plainTransformRecord).response.records)
          if (record.result !== 'Ok') failed++;
      return failed;
    },
    'for scale, JSON.parse alone ': async () => {
      for (const text of texts) JSON.parse(text);
      return 0;
    },
  };
  const write = process.stdout.write;
  let results: Array<{ label: string; median: number; summary: string; failed: number }>;
  try {
    process.stdout.write = () => true; // the handler logs a line per invocation
    results = await measureInTurns(count, cases);
  } finally {
    process.stdout.write = write;
  }
  for (const { label, summary, failed } of results) console.log(`  ${label} ${summary}, ${failed} not Ok`);
  const [fast, plain, parse] = results.map((r) => r.median) as [number, number, number];
  console.log(`  fast/plain ${(fast / plain).toFixed(2)}×, fast/JSON.parse ${(fast / parse).toFixed(2)}×`);
}

/**
 * Runs the cases in turns (one warm-up turn, then RUNS timed ones) so a machine that speeds up or slows down
 * mid-run affects them alike; returns each case's median, min and max records/s.
 */
async function measureInTurns(count: number, cases: Record<string, () => Promise<number>>) {
  const rates = new Map<string, number[]>();
  const failures = new Map<string, number>();
  for (let turn = 0; turn <= RUNS; turn++) {
    for (const [label, run] of Object.entries(cases)) {
      const started = performance.now();
      failures.set(label, await run());
      const rate = count / ((performance.now() - started) / 1000);
      if (turn > 0) rates.set(label, [...(rates.get(label) ?? []), rate]);
    }
  }
  const format = (rate: number) => Math.round(rate).toLocaleString('en-US');
  return Object.keys(cases).map((label) => {
    const sorted = (rates.get(label) ?? []).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const summary = `median ${format(median)} records/s (min ${format(sorted[0] ?? 0)}, max ${format(sorted.at(-1) ?? 0)})`;
    return { label, median, summary, failed: failures.get(label) ?? 0 };
  });
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
