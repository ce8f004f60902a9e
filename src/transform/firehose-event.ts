/**
 * The Firehose data-transformation contract (docs/aws-contracts.md, Firehose), Kinesis-source flavour.
 * Firehose invokes the Lambda with a batch of records and requires every `recordId` back exactly once.
 */
export interface FirehoseTransformationEvent {
  readonly invocationId: string;
  readonly deliveryStreamArn: string;
  readonly sourceKinesisStreamArn?: string;
  readonly region: string;
  readonly records: readonly FirehoseTransformationRecord[];
}

export interface FirehoseTransformationRecord {
  /** Opaque: returned as given. */
  readonly recordId: string;
  /** Epoch milliseconds. */
  readonly approximateArrivalTimestamp: number;
  /** Base64 of the source record's bytes. */
  readonly data: string;
  readonly kinesisRecordMetadata?: {
    readonly shardId: string;
    readonly partitionKey: string;
    readonly approximateArrivalTimestamp: number;
    readonly sequenceNumber: string;
    readonly subsequenceNumber?: number;
  };
}

export const TRANSFORMATION_RESULTS = ['Ok', 'Dropped', 'ProcessingFailed'] as const;
export type TransformationResult = (typeof TRANSFORMATION_RESULTS)[number];

export interface FirehoseTransformationResultRecord {
  readonly recordId: string;
  readonly result: TransformationResult;
  /** Base64 of the output bytes; Firehose concatenates them with no delimiter. */
  readonly data: string;
  readonly metadata?: { readonly partitionKeys: Readonly<Record<string, string>> };
}

export interface FirehoseTransformationResponse {
  readonly records: FirehoseTransformationResultRecord[];
}

/** Firehose's limit on the Lambda response (and request). */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
