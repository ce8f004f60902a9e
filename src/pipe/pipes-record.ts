import type { _Record, AttributeValue } from '@aws-sdk/client-dynamodb-streams';

/** A DynamoDB stream record in the JSON shape EventBridge Pipes puts on Kinesis (AWS_CONTRACTS.md). */
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

type WireValue = Record<string, unknown>;
type WireItem = Record<string, WireValue>;

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

function wireItem(item: Record<string, AttributeValue> | undefined): WireItem {
  const wire: WireItem = {};
  for (const [name, value] of Object.entries(item ?? {})) wire[name] = wireValue(value);
  return wire;
}

function wireValue(value: AttributeValue): WireValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.M !== undefined) return { M: wireItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(wireValue) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  const [type, content] = value.$unknown ?? ['NULL', true]; // a type newer than this SDK: passed on as it came
  return { [type]: content };
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
