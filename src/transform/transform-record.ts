import { changeEventRow } from './change-event-row.ts';
import type { FirehoseTransformationRecord, FirehoseTransformationResultRecord } from './firehose-event.ts';
import { RecordRejection } from './record-rejection.ts';
import { scanChangeEvent } from './stream-record-scanner.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface RecordOutcome {
  readonly result: FirehoseTransformationResultRecord;
  /** Why the record failed; undefined when it is Ok. */
  readonly failure?: string;
  /** Columns an Ok row has NULL in because their value does not fit (see UNREPRESENTABLE); '' or absent when none. */
  readonly unrepresentable?: string;
}

/**
 * One Firehose record in, exactly one result out, never an exception: Ok with the JSON line and the `dt`
 * partition key, or ProcessingFailed with the original data (Firehose writes it to the error prefix) and a
 * reason for the log. Common records take the single-pass scanner; the rest, and every failure, the plain
 * path.
 */
export function transformRecord(record: FirehoseTransformationRecord): RecordOutcome {
  const row = typeof record.data === 'string' ? scanChangeEvent(record.data) : undefined;
  if (row === undefined) return plainTransformRecord(record);
  // The scanner only accepts ASCII, so its line is ASCII and btoa (Latin-1) encodes it as UTF-8 would.
  return { result: okResult(record.recordId, btoa(row.line), row.dt), unrepresentable: row.unrepresentable };
}

/** The reference implementation: JSON.parse, then `changeEventRow` over the object tree. */
export function plainTransformRecord(record: FirehoseTransformationRecord): RecordOutcome {
  const { recordId, data } = record;
  try {
    if (typeof data !== 'string' || !BASE64.test(data)) throw new RecordRejection('data is not valid base64');
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

function okResult(recordId: string, data: string, dt: string): FirehoseTransformationResultRecord {
  return { recordId, result: 'Ok', data, metadata: { partitionKeys: { dt } } };
}

export function failed(recordId: string, data: unknown): FirehoseTransformationResultRecord {
  return { recordId, result: 'ProcessingFailed', data: typeof data === 'string' ? data : '' };
}
