import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fastTransformRecord } from '../src/transform/fast-transform-record.ts';
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
 * Times the transform handler as Lambda runs it: N (default 100,000) change events planned by the order
 * generator (its default INSERT/MODIFY/REMOVE mix), each a DynamoDB stream record in the exact shape Pipes puts on
 * Kinesis, handed over in invocations of 1 MB of record data as Firehose's default processor buffer does, one
 * invocation at a time, each a fresh event object (copied outside the timing, as each Lambda invocation parses its
 * own), only the handler's own time counted. Prints, from the same run, the best of several turns after a warm-up,
 * for the handler, the plain reference path alone, and merely base64-decoding and JSON.parse-ing the same
 * payloads (the yardstick the handler's target is set against), then how many records the handler's fast path
 * answered itself (the others go through the reference path) and the handler's heap per invocation: the
 * garbage it leaves (heap after it, before a collection) and what it keeps (after one).
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
      `${events.length} invocations of ~1 MB (${Math.round(count / events.length)} records each), one at a time`,
  );

  const cases: Record<string, (event: FirehoseTransformationEvent) => Promise<number>> = {
    'handler (fast path)          ': async (event) =>
      (await handler(event)).records.filter((record) => record.result !== 'Ok').length,
    'plain path (JSON.parse+tree) ': async (event) =>
      transformBatch(event, plainTransformRecord).response.records.filter((record) => record.result !== 'Ok')
        .length,
    'base64 decode + JSON.parse   ': async (event) => {
      for (const record of event.records) JSON.parse(Buffer.from(record.data, 'base64').toString('utf8'));
      return 0;
    },
  };
  const write = process.stdout.write;
  let results: Array<{ label: string; best: number; summary: string; failed: number }>;
  let heap: HeapPerInvocation;
  try {
    process.stdout.write = () => true; // the handler logs a line per invocation
    results = await measureInTurns(count, events, cases);
    heap = await heapPerInvocation(events);
  } finally {
    process.stdout.write = write;
  }
  for (const { label, summary, failed } of results) console.log(`  ${label} ${summary}, ${failed} not Ok`);
  const [fast, plain, parse] = results.map((r) => r.best) as [number, number, number];
  console.log(
    `  handler/plain ${(fast / plain).toFixed(2)}×, handler/(decode + JSON.parse) ${(fast / parse).toFixed(2)}× ` +
      '(target: at least 1×)',
  );
  const fastPath = records.filter((r) => fastTransformRecord(r.recordId, r.data) !== undefined).length;
  console.log(
    `  fast path: ${fastPath.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} records ` +
      '(the others through the reference path)',
  );
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`;
  console.log(
    `  heap per invocation (median of ${heap.invocations}): ${mb(heap.garbage)} of garbage left for the collector, ` +
      `${(heap.kept / 1024).toFixed(1)} KB kept after a collection` +
      (heap.collected ? '' : ' (no forced collection available: the figures include earlier garbage)'),
  );
}

interface HeapPerInvocation {
  readonly invocations: number;
  /** Median growth of the used heap over one invocation, before any collection. */
  readonly garbage: number;
  /** Median growth after a full collection: what the handler keeps (module caches, leaks). */
  readonly kept: number;
  readonly collected: boolean;
}

/** The handler's heap per invocation, around a full collection when one can be forced. */
async function heapPerInvocation(events: readonly FirehoseTransformationEvent[]): Promise<HeapPerInvocation> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
  const used = () => process.memoryUsage().heapUsed;
  const garbage: number[] = [];
  const kept: number[] = [];
  for (const event of events.slice(0, 50)) {
    const fresh = structuredClone(event);
    gc?.();
    const before = used();
    await handler(fresh);
    garbage.push(used() - before);
    gc?.();
    kept.push(used() - before);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    invocations: garbage.length,
    garbage: median(garbage),
    kept: median(kept),
    collected: gc !== undefined,
  };
}

/**
 * Runs the cases in turns (one warm-up turn, then RUNS timed ones) so a machine that speeds up or slows down
 * mid-run affects them alike. In each turn every case takes every invocation, one at a time, each on a fresh
 * copy of its event made outside the timing; a turn's rate is the records over the summed time of its
 * invocations. Returns each case's best rate, and its median and worst, in records/s.
 */
async function measureInTurns(
  count: number,
  events: readonly FirehoseTransformationEvent[],
  cases: Record<string, (event: FirehoseTransformationEvent) => Promise<number>>,
) {
  const rates = new Map<string, number[]>();
  const failures = new Map<string, number>();
  for (let turn = 0; turn <= RUNS; turn++) {
    for (const [label, run] of Object.entries(cases)) {
      let elapsed = 0;
      let failed = 0;
      for (const event of events) {
        const fresh = structuredClone(event);
        const started = performance.now();
        failed += await run(fresh);
        elapsed += performance.now() - started;
      }
      failures.set(label, failed);
      if (turn > 0) rates.set(label, [...(rates.get(label) ?? []), count / (elapsed / 1000)]);
    }
  }
  const format = (rate: number) => Math.round(rate).toLocaleString('en-US');
  return Object.keys(cases).map((label) => {
    const sorted = (rates.get(label) ?? []).sort((a, b) => a - b);
    const best = sorted.at(-1) ?? 0;
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const summary = `best ${format(best)} records/s (median ${format(median)}, worst ${format(sorted[0] ?? 0)})`;
    return { label, best, summary, failed: failures.get(label) ?? 0 };
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
