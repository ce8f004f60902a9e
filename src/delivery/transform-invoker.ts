import type {
  FirehoseTransformationEvent,
  FirehoseTransformationRecord,
  FirehoseTransformationResponse,
} from '../transform/firehose-event.ts';
import { MAX_RESPONSE_BYTES, TRANSFORMATION_RESULTS } from '../transform/firehose-event.ts';
import { ERROR_CODES } from './error-record.ts';

/** A record as the delivery read it from Kinesis. */
export interface SourceRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** Kinesis' ApproximateArrivalTimestamp, epoch ms. */
  readonly arrivalMs: number;
  readonly data: Uint8Array;
}

/** What became of one source record. */
export type RecordOutcome =
  | {
      readonly result: 'Ok';
      readonly record: SourceRecord;
      readonly data: Buffer;
      readonly partitionKeys: Record<string, string>;
    }
  | { readonly result: 'Dropped'; readonly record: SourceRecord }
  | {
      readonly result: 'ProcessingFailed';
      readonly record: SourceRecord;
      readonly errorCode: string;
      readonly errorMessage: string;
      readonly attemptsMade: number;
    };

export type TransformHandler = (
  event: FirehoseTransformationEvent,
) => Promise<FirehoseTransformationResponse>;

export interface InvokerOptions {
  readonly deliveryStreamArn: string;
  readonly sourceStreamArn: string;
  readonly region: string;
  /** Retries of a failed invocation (Firehose's default: 3). */
  readonly retries: number;
  /** Request size limit: a batch above it is split (Firehose's: 6 MB). */
  readonly maxRequestBytes?: number;
}

/** JSON around one record in the request: {"recordId":"…","approximateArrivalTimestamp":…,"data":"",…}. */
const REQUEST_OVERHEAD_BYTES = 300;

/**
 * Runs the transform over a batch the way Firehose does: events of at most 6 MB with opaque record ids, Kinesis
 * metadata and arrival times; an invocation that throws or answers wrongly (a record id missing, repeated or
 * unknown, an unknown result) is retried, and after the last retry every record of it fails with Firehose's
 * error code. Returns one outcome per record, in order.
 */
export async function invokeTransform(
  handler: TransformHandler,
  records: readonly SourceRecord[],
  options: InvokerOptions,
): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  for (const chunk of requestChunks(records, options.maxRequestBytes ?? MAX_RESPONSE_BYTES)) {
    outcomes.push(...(await invokeChunk(handler, chunk, options)));
  }
  return outcomes;
}

function requestChunks(records: readonly SourceRecord[], maxBytes: number): SourceRecord[][] {
  const chunks: SourceRecord[][] = [];
  let chunk: SourceRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Math.ceil(record.data.byteLength / 3) * 4 + REQUEST_OVERHEAD_BYTES;
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

let invocations = 0;

async function invokeChunk(
  handler: TransformHandler,
  records: readonly SourceRecord[],
  options: InvokerOptions,
): Promise<RecordOutcome[]> {
  const event = firehoseEvent(records, options);
  let failure = { code: ERROR_CODES.functionError as string, message: '' };
  const attempts = options.retries + 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await handler(event);
      const problem = responseProblem(event, response);
      if (problem === undefined) return outcomesOf(records, event, response);
      failure = { code: ERROR_CODES.missingRecordId, message: problem };
    } catch (error) {
      failure = {
        code: ERROR_CODES.functionError,
        message: error instanceof Error ? error.message : String(error),
      };
    }
  }
  return records.map((record) => ({
    result: 'ProcessingFailed',
    record,
    errorCode: failure.code,
    errorMessage: failure.message,
    attemptsMade: attempts,
  }));
}

function firehoseEvent(
  records: readonly SourceRecord[],
  options: InvokerOptions,
): FirehoseTransformationEvent {
  invocations++;
  return {
    invocationId: `${process.pid}-${Date.now()}-${invocations}`,
    deliveryStreamArn: options.deliveryStreamArn,
    sourceKinesisStreamArn: options.sourceStreamArn,
    region: options.region,
    records: records.map(
      (record, i): FirehoseTransformationRecord => ({
        // Opaque to the transform; unique within the invocation.
        recordId: `${record.sequenceNumber}${String(i).padStart(6, '0')}`,
        approximateArrivalTimestamp: record.arrivalMs,
        data: Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength).toString(
          'base64',
        ),
        kinesisRecordMetadata: {
          shardId: record.shardId,
          partitionKey: record.partitionKey,
          approximateArrivalTimestamp: record.arrivalMs,
          sequenceNumber: record.sequenceNumber,
          subsequenceNumber: 0,
        },
      }),
    ),
  };
}

/** Why Firehose would reject this response, or undefined if it is sound. */
function responseProblem(event: FirehoseTransformationEvent, response: unknown): string | undefined {
  const answered = (response as FirehoseTransformationResponse | undefined)?.records;
  if (!Array.isArray(answered)) return 'the response has no records array';
  const expected = new Set(event.records.map((r) => r.recordId));
  const seen = new Set<string>();
  for (const record of answered) {
    const id = record?.recordId;
    if (typeof id !== 'string' || !expected.has(id))
      return `the response holds an unknown recordId ${JSON.stringify(id)}`;
    if (seen.has(id)) return `the response repeats recordId ${id}`;
    seen.add(id);
    if (!TRANSFORMATION_RESULTS.includes(record.result)) {
      return `record ${id} has result ${JSON.stringify(record.result)}, not Ok, Dropped or ProcessingFailed`;
    }
    if (record.result === 'Ok' && typeof record.data !== 'string') return `Ok record ${id} has no data`;
  }
  if (seen.size !== expected.size)
    return `${expected.size - seen.size} recordIds are missing from the response`;
  return undefined;
}

function outcomesOf(
  records: readonly SourceRecord[],
  event: FirehoseTransformationEvent,
  response: FirehoseTransformationResponse,
): RecordOutcome[] {
  const byId = new Map(response.records.map((r) => [r.recordId, r]));
  return records.map((record, i): RecordOutcome => {
    const answer = byId.get(event.records[i]?.recordId as string);
    if (answer?.result === 'Ok') {
      return {
        result: 'Ok',
        record,
        data: Buffer.from(answer.data, 'base64'),
        partitionKeys: { ...(answer.metadata?.partitionKeys ?? {}) },
      };
    }
    if (answer?.result === 'Dropped') return { result: 'Dropped', record };
    return {
      result: 'ProcessingFailed',
      record,
      errorCode: ERROR_CODES.processingFailed,
      errorMessage: 'The Lambda function returned ProcessingFailed for this record',
      attemptsMade: 1,
    };
  });
}
