import {
  type FirehoseTransformationEvent,
  type FirehoseTransformationResponse,
  type FirehoseTransformationResultRecord,
  MAX_RESPONSE_BYTES,
  type TransformationResult,
} from './firehose-event.ts';
import type { RecordOutcome } from './transform-record.ts';

/** What one invocation did, as logged. */
export interface TransformSummary {
  readonly invocationId: string | undefined;
  readonly records: number;
  readonly results: Record<TransformationResult, number>;
  /** The first few failures with their reasons (all are counted in `results`). */
  readonly firstFailures: ReadonlyArray<{ recordId: string; reason: string }>;
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
  let bytes = 16;
  for (let i = 0; i < input.length; i++) {
    const record = input[i] as FirehoseTransformationEvent['records'][number];
    let { result, failure } = transformRecord(record);
    bytes += RESULT_OVERHEAD_BYTES + result.recordId.length + result.data.length;
    if (bytes > MAX_RESPONSE_BYTES) {
      result = { recordId: record.recordId, result: 'ProcessingFailed', data: '' };
      failure = 'the response would exceed Firehose’s 6 MB limit';
    }
    records[i] = result;
    results[result.result]++;
    if (failure !== undefined && firstFailures.length < LOGGED_FAILURES)
      firstFailures.push({ recordId: record.recordId, reason: failure });
  }
  const summary = {
    invocationId: event?.invocationId,
    records: input.length,
    results,
    firstFailures,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  };
  return { response: { records }, summary };
}
