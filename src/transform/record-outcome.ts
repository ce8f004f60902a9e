import type { FirehoseTransformationResultRecord } from './firehose-event.ts';

/** What the transform made of one record: the result Firehose gets, and what the invocation's log line counts. */
export interface RecordOutcome {
  readonly result: FirehoseTransformationResultRecord;
  /** Why the record failed; undefined when it is Ok. */
  readonly failure?: string;
  /** Columns an Ok row has NULL in because their value does not fit (see UNREPRESENTABLE); '' or absent when none. */
  readonly unrepresentable?: string;
}

type PartitionMetadata = NonNullable<FirehoseTransformationResultRecord['metadata']>;

/** The metadata of the last `dt` seen: a batch's rows mostly share a day, and so share one frozen object. */
let lastMetadata: PartitionMetadata = Object.freeze({ partitionKeys: Object.freeze({ dt: '' }) });

/** An Ok result: the row's bytes (base64) and its `dt` partition key for Firehose's dynamic partitioning. */
export function okResult(recordId: string, data: string, dt: string): FirehoseTransformationResultRecord {
  if (lastMetadata.partitionKeys.dt !== dt)
    lastMetadata = Object.freeze({ partitionKeys: Object.freeze({ dt }) });
  return { recordId, result: 'Ok', data, metadata: lastMetadata };
}
