import type {
  FirehoseTransformationEvent,
  FirehoseTransformationRecord,
} from '../../src/transform/firehose-event.ts';

/** An item in DynamoDB's JSON wire form ({"S": …}, {"N": "1.5"}, {"B": base64}, …). */
export type Item = Record<string, object>;

export interface StreamRecordOptions {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  keys?: Item;
  newImage?: Item;
  oldImage?: Item;
  sequenceNumber?: string;
  eventID?: string;
  /** As Pipes sends it: epoch seconds. */
  approximateCreationDateTime?: unknown;
  streamViewType?: string;
  userIdentity?: { type: string; principalId: string };
}

let counter = 0;

/** A DynamoDB stream record in the shape EventBridge Pipes puts on Kinesis. */
export function streamRecord(options: StreamRecordOptions): Record<string, unknown> {
  counter++;
  const image = options.newImage ?? options.oldImage;
  return {
    eventID: options.eventID ?? `e${String(counter).padStart(8, '0')}`,
    eventName: options.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: options.approximateCreationDateTime ?? 1_763_800_000,
      Keys: options.keys ?? { orderid: image?.orderid ?? { S: 'ORD-1' } },
      ...(options.newImage && { NewImage: options.newImage }),
      ...(options.oldImage && { OldImage: options.oldImage }),
      SequenceNumber: options.sequenceNumber ?? `${100_000_000_000_000_000_000n + BigInt(counter)}`,
      SizeBytes: 200,
      StreamViewType: options.streamViewType ?? 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN:
      'arn:aws:dynamodb:us-east-1:123456789012:table/OrdersRawTable/stream/2026-11-22T00:00:00.000',
    ...(options.userIdentity && { userIdentity: options.userIdentity }),
  };
}

export function base64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

/** A Firehose transformation event carrying the given base64 payloads, in Firehose's Kinesis-source shape. */
export function firehoseEvent(payloads: readonly string[]): FirehoseTransformationEvent {
  const records: FirehoseTransformationRecord[] = payloads.map((data, i) => ({
    recordId: `49546986683135544286507457936321625675700192471156785154${String(i).padStart(6, '0')}`,
    approximateArrivalTimestamp: 1_763_800_000_123 + i,
    data,
    kinesisRecordMetadata: {
      shardId: 'shardId-000000000000',
      partitionKey: `ORD-${i}`,
      approximateArrivalTimestamp: 1_763_800_000_123 + i,
      sequenceNumber: `4954698668313554428650745793632162567570019247115678515${i}`,
      subsequenceNumber: 0,
    },
  }));
  return {
    invocationId: 'invocation-1',
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/orders-cdc',
    sourceKinesisStreamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/kinesis-sales-order',
    region: 'us-east-1',
    records,
  };
}

export const ORDER_IMAGE: Item = {
  orderid: { S: 'ORD-7K2M9Q4T1XZB' },
  product_name: { S: 'Laptop' },
  quantity: { N: '2' },
  price: { N: '1299.9' },
  status: { S: 'PAID' },
  customer_id: { S: 'CUST-00042' },
  created_at: { S: '2026-11-22T08:26:40.123Z' },
  updated_at: { S: '2026-11-22T08:27:01.456Z' },
};
