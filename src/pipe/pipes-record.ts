import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { type WireItem, wireItem } from '../aws/wire-item.ts';

/** A DynamoDB stream record in the JSON shape EventBridge Pipes puts on Kinesis (docs/aws-contracts.md, Pipes). */
export interface PipesRecord {
  readonly eventID: string;
  readonly eventName: string;
  readonly eventVersion: string;
  readonly eventSource: string;
  readonly awsRegion: string;
  readonly dynamodb: {
    /** Epoch seconds, as Pipes sends it (the SDK gives a Date). */
    readonly ApproximateCreationDateTime: number;
    readonly Keys: WireItem;
    readonly NewImage?: WireItem;
    readonly OldImage?: WireItem;
    readonly SequenceNumber: string;
    readonly SizeBytes: number;
    readonly StreamViewType: string;
  };
  readonly eventSourceARN: string;
  readonly userIdentity?: { readonly type: string; readonly principalId: string };
}

/**
 * Turns a record read with the SDK back into the wire JSON a pipe sends: the SDK decodes binary attributes into
 * bytes and the creation time into a Date; on the wire they are base64 strings and epoch seconds. The stream
 * API's `userIdentity {PrincipalId, Type}` becomes the event form `{type, principalId}`.
 */
export function toPipesRecord(record: _Record, streamArn: string): PipesRecord {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  return {
    eventID: record.eventID ?? '',
    eventName: record.eventName ?? '',
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion ?? '',
    dynamodb: {
      ApproximateCreationDateTime: created ? Math.floor(created.getTime() / 1000) : 0,
      Keys: wireItem(stream.Keys),
      ...(stream.NewImage && { NewImage: wireItem(stream.NewImage) }),
      ...(stream.OldImage && { OldImage: wireItem(stream.OldImage) }),
      SequenceNumber: stream.SequenceNumber ?? '',
      SizeBytes: stream.SizeBytes ?? 0,
      StreamViewType: stream.StreamViewType ?? '',
    },
    eventSourceARN: streamArn,
    ...(record.userIdentity && {
      userIdentity: {
        type: record.userIdentity.Type ?? '',
        principalId: record.userIdentity.PrincipalId ?? '',
      },
    }),
  };
}
