import { changeEventRow } from './change-event-row.ts';
import type { FirehoseTransformationRecord, FirehoseTransformationResultRecord } from './firehose-event.ts';
import { RecordRejection } from './record-rejection.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export interface RecordOutcome {
  readonly result: FirehoseTransformationResultRecord;
  /** Why the record failed; undefined when it is Ok. */
  readonly failure?: string;
}

/**
 * One Firehose record in, exactly one result out, never an exception: Ok with the JSON line and the `dt`
 * partition key, or ProcessingFailed with the original data (Firehose writes it to the error prefix) and a
 * reason for the log.
 */
export function transformRecord(record: FirehoseTransformationRecord): RecordOutcome {
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
      result: {
        recordId,
        result: 'Ok',
        data: Buffer.from(row.line, 'utf8').toString('base64'),
        metadata: { partitionKeys: { dt: row.dt } },
      },
    };
  } catch (error) {
    const reason = error instanceof RecordRejection ? error.message : `unexpected error: ${String(error)}`;
    return { result: failed(recordId, data), failure: reason };
  }
}

export function failed(recordId: string, data: unknown): FirehoseTransformationResultRecord {
  return { recordId, result: 'ProcessingFailed', data: typeof data === 'string' ? data : '' };
}
