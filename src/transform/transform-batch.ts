import {
  type FirehoseTransformationEvent,
  type FirehoseTransformationResponse,
  type FirehoseTransformationResultRecord,
  MAX_RESPONSE_BYTES,
  type TransformationResult,
} from './firehose-event.ts';
import type { RecordOutcome } from './record-outcome.ts';

/** What one invocation did, as logged. */
export interface TransformSummary {
  readonly invocationId: string | undefined;
  readonly records: number;
  readonly results: Record<TransformationResult, number>;
  /** The first few failures with their reasons (all are counted in `results`). */
  readonly firstFailures: ReadonlyArray<{ recordId: string; reason: string }>;
  /** Ok records with a column set to NULL because its value does not fit the column's type. */
  readonly unrepresentable: number;
  /** The first few of those, with the columns concerned (the values are exact in image_json). */
  readonly firstUnrepresentable: ReadonlyArray<{ recordId: string; columns: string }>;
  readonly durationMs: number;
}

const LOGGED_FAILURES = 5;
/** JSON around one result record: {"recordId":"","result":"ProcessingFailed","data":"","metadata":{…}}, */
const RESULT_OVERHEAD_BYTES = 110;

/**
 * Maps every record of a Firehose event with `transformRecord`, keeping Firehose's rules: every recordId back
 * exactly once, in order, and a response under 6 MB — records that would push it over are returned as
 * ProcessingFailed (their original bytes reach the error prefix through Firehose, which keeps them).
 */
export function transformBatch(
  event: FirehoseTransformationEvent,
  transformRecord: (record: FirehoseTransformationEvent['records'][number]) => RecordOutcome,
): { response: FirehoseTransformationResponse; summary: TransformSummary } {
  const started = performance.now();
  const input = Array.isArray(event?.records) ? event.records : [];
  const records: FirehoseTransformationResultRecord[] = new Array(input.length);
  const results: Record<TransformationResult, number> = { Ok: 0, Dropped: 0, ProcessingFailed: 0 };
  const firstFailures: Array<{ recordId: string; reason: string }> = [];
  const firstUnrepresentable: Array<{ recordId: string; columns: string }> = [];
  let unrepresentable = 0;
  let bytes = 16;
  for (let i = 0; i < input.length; i++) {
    const record = input[i] as FirehoseTransformationEvent['records'][number];
    const outcome = transformRecord(record);
    let { result, failure } = outcome;
    bytes += RESULT_OVERHEAD_BYTES + result.recordId.length + result.data.length;
    if (bytes > MAX_RESPONSE_BYTES) {
      result = { recordId: record.recordId, result: 'ProcessingFailed', data: '' };
      failure = 'the response would exceed Firehose’s 6 MB limit';
    }
    records[i] = result;
    results[result.result]++;
    if (failure !== undefined && firstFailures.length < LOGGED_FAILURES)
      firstFailures.push({ recordId: record.recordId, reason: failure });
    if (result.result === 'Ok' && outcome.unrepresentable) {
      unrepresentable++;
      if (firstUnrepresentable.length < LOGGED_FAILURES)
        firstUnrepresentable.push({ recordId: record.recordId, columns: outcome.unrepresentable });
    }
  }
  const summary = {
    invocationId: event?.invocationId,
    records: input.length,
    results,
    firstFailures,
    unrepresentable,
    firstUnrepresentable,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  };
  return { response: { records }, summary };
}
