import { changeEventRow } from './change-event-row.ts';
import { fastTransformRecord } from './fast-transform-record.ts';
import type { FirehoseTransformationRecord, FirehoseTransformationResultRecord } from './firehose-event.ts';
import { okResult, type RecordOutcome } from './record-outcome.ts';
import { RecordRejection } from './record-rejection.ts';
import { STRICT_BASE64 } from './strict-base64.ts';

/**
 * One Firehose record in, exactly one result out, never an exception: Ok with the JSON line and the `dt`
 * partition key, or ProcessingFailed with the original data (Firehose writes it to the error prefix) and a
 * reason for the log. Common records take the fast path (`fast-transform-record.ts`); the rest, and every
 * failure, the plain path.
 */
export function transformRecord(record: FirehoseTransformationRecord): RecordOutcome {
  return fastTransformRecord(record.recordId, record.data) ?? plainTransformRecord(record);
}

/** The reference implementation: JSON.parse, then `changeEventRow` over the object tree. */
export function plainTransformRecord(record: FirehoseTransformationRecord): RecordOutcome {
  const { recordId, data } = record;
  try {
    if (typeof data !== 'string' || !STRICT_BASE64.test(data))
      throw new RecordRejection('data is not valid base64');
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
    } catch (error) {
      throw new RecordRejection(`data is not JSON (${(error as Error).message})`);
    }
    const row = changeEventRow(parsed);
    return {
      result: okResult(recordId, Buffer.from(row.line, 'utf8').toString('base64'), row.dt),
      unrepresentable: row.unrepresentable,
    };
  } catch (error) {
    const reason = error instanceof RecordRejection ? error.message : `unexpected error: ${String(error)}`;
    return { result: failed(recordId, data), failure: reason };
  }
}

export function failed(recordId: string, data: unknown): FirehoseTransformationResultRecord {
  return { recordId, result: 'ProcessingFailed', data: typeof data === 'string' ? data : '' };
}
