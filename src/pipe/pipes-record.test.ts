import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { toPipesRecord } from './pipes-record.ts';

const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/OrdersRawTable/stream/2026-11-22T00:00:00.000';

describe('toPipesRecord', () => {
  it('writes the wire JSON a pipe sends: epoch seconds, base64 binaries, event-style userIdentity', () => {
    const record: _Record = {
      eventID: 'ev-1',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2026-11-22T08:27:01.000Z'),
        Keys: { orderid: { S: 'ORD-1' } },
        OldImage: {
          orderid: { S: 'ORD-1' },
          blob: { B: new Uint8Array([1, 2, 255]) },
          blobs: { BS: [new Uint8Array([0]), new Uint8Array([9, 9])] },
          nested: { M: { list: { L: [{ B: new Uint8Array([7]) }, { N: '1.50' }, { NULL: true }] } } },
          tags: { SS: ['a'] },
          ok: { BOOL: false },
        },
        SequenceNumber: '100000000000000000001',
        SizeBytes: 60,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' },
    };
    const wire = JSON.parse(JSON.stringify(toPipesRecord(record, ARN)));
    expect(wire).toEqual({
      eventID: 'ev-1',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1795336021,
        Keys: { orderid: { S: 'ORD-1' } },
        OldImage: {
          orderid: { S: 'ORD-1' },
          blob: { B: 'AQL/' },
          blobs: { BS: ['AA==', 'CQk='] },
          nested: { M: { list: { L: [{ B: 'Bw==' }, { N: '1.50' }, { NULL: true }] } } },
          tags: { SS: ['a'] },
          ok: { BOOL: false },
        },
        SequenceNumber: '100000000000000000001',
        SizeBytes: 60,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: ARN,
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
  });
});
