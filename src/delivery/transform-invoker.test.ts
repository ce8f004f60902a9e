import { afterEach, describe, expect, it, vi } from 'vitest';
import { ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import type {
  FirehoseTransformationEvent,
  FirehoseTransformationResponse,
} from '../transform/firehose-event.ts';
import { handler } from '../transform/handler.ts';
import { invokeTransform, type SourceRecord } from './transform-invoker.ts';

afterEach(() => vi.restoreAllMocks());

const OPTIONS = {
  deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/orders-cdc',
  sourceStreamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/kinesis-sales-order',
  region: 'us-east-1',
  retries: 3,
};

const source = (data: string | Uint8Array, i: number): SourceRecord => ({
  shardId: 'shardId-000000000001',
  sequenceNumber: `4954698668313554428650745793632162567570019247115678${String(i).padStart(4, '0')}`,
  partitionKey: `ORD-${i}`,
  arrivalMs: 1_763_800_000_000 + i,
  data: typeof data === 'string' ? Buffer.from(data) : data,
});
const change = (i: number) =>
  source(JSON.stringify(streamRecord({ eventName: 'INSERT', newImage: ORDER_IMAGE })), i);
const quiet = () => vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

describe('invokeTransform', () => {
  it('hands the transform Firehose’s event and maps every answer back to its record', async () => {
    quiet();
    const seen: FirehoseTransformationEvent[] = [];
    const outcomes = await invokeTransform(
      async (event) => {
        seen.push(event);
        return handler(event);
      },
      [change(0), source('not json', 1), change(2)],
      OPTIONS,
    );
    expect(outcomes.map((o) => o.result)).toEqual(['Ok', 'ProcessingFailed', 'Ok']);
    const [ok, failed] = outcomes;
    expect(ok?.result === 'Ok' && JSON.parse(ok.data.toString()).orderid).toBe('ORD-7K2M9Q4T1XZB');
    expect(ok?.result === 'Ok' && ok.partitionKeys).toEqual({ dt: '2025-11-22' });
    expect(failed).toMatchObject({ errorCode: 'Lambda.ProcessingFailedStatus', attemptsMade: 1 });
    expect(failed?.record.data.toString()).toBe('not json'); // raw bytes kept for the error prefix

    const [event] = seen;
    expect(event).toMatchObject({ deliveryStreamArn: OPTIONS.deliveryStreamArn, region: 'us-east-1' });
    expect(new Set(event?.records.map((r) => r.recordId)).size).toBe(3);
    expect(event?.records[1]).toMatchObject({
      approximateArrivalTimestamp: 1_763_800_000_001,
      data: Buffer.from('not json').toString('base64'),
      kinesisRecordMetadata: { shardId: 'shardId-000000000001', partitionKey: 'ORD-1', subsequenceNumber: 0 },
    });
  });

  it('retries an invocation that answers without every recordId, and succeeds when a retry does', async () => {
    quiet();
    let calls = 0;
    const outcomes = await invokeTransform(
      async (event) => {
        calls++;
        const response = await handler(event);
        return calls < 3 ? { records: response.records.slice(1) } : response;
      },
      [change(0), change(1)],
      OPTIONS,
    );
    expect(calls).toBe(3);
    expect(outcomes.map((o) => o.result)).toEqual(['Ok', 'Ok']);
  });

  it.each([
    [
      'a recordId missing',
      (r: FirehoseTransformationResponse) => ({ records: r.records.slice(1) }),
      /1 recordIds are missing/,
    ],
    [
      'a recordId repeated',
      (r: FirehoseTransformationResponse) => ({ records: [...r.records, r.records[0]] }),
      /repeats recordId/,
    ],
    [
      'an unknown result',
      (r: FirehoseTransformationResponse) => ({ records: r.records.map((x) => ({ ...x, result: 'Maybe' })) }),
      /result "Maybe"/,
    ],
  ] as const)('after the last retry fails every record as Lambda.MissingRecordId for %s', async (_label, spoil, message) => {
    quiet();
    let calls = 0;
    const outcomes = await invokeTransform(
      async (event) => {
        calls++;
        return spoil(await handler(event)) as FirehoseTransformationResponse;
      },
      [change(0), change(1)],
      OPTIONS,
    );
    expect(calls).toBe(4);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({
        result: 'ProcessingFailed',
        errorCode: 'Lambda.MissingRecordId',
        attemptsMade: 4,
      });
      expect(outcome.result === 'ProcessingFailed' && outcome.errorMessage).toMatch(message);
    }
  });

  it('fails every record as Lambda.FunctionError when the function keeps throwing', async () => {
    const outcomes = await invokeTransform(
      async () => {
        throw new Error('Task timed out after 300.00 seconds');
      },
      [change(0)],
      { ...OPTIONS, retries: 1 },
    );
    expect(outcomes).toEqual([
      expect.objectContaining({
        result: 'ProcessingFailed',
        errorCode: 'Lambda.FunctionError',
        errorMessage: 'Task timed out after 300.00 seconds',
        attemptsMade: 2,
      }),
    ]);
  });

  it('splits a batch over Firehose’s 6 MB request limit into several invocations', async () => {
    const sizes: number[] = [];
    const big = Array.from({ length: 12 }, (_, i) => source(new Uint8Array(1024 * 1024).fill(120), i));
    const outcomes = await invokeTransform(
      async (event) => {
        sizes.push(Buffer.byteLength(JSON.stringify(event)));
        return {
          records: event.records.map((r) => ({ recordId: r.recordId, result: 'Dropped' as const, data: '' })),
        };
      },
      big,
      OPTIONS,
    );
    expect(outcomes).toHaveLength(12);
    expect(outcomes.every((o) => o.result === 'Dropped')).toBe(true);
    expect(sizes.length).toBeGreaterThan(2);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(6 * 1024 * 1024);
  });
});
