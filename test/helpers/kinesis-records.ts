import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';

export interface KinesisRecordSeen {
  readonly shardId: string;
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  readonly json: Record<string, unknown> & { eventID: string; dynamodb: Record<string, unknown> };
}

/** Every record on every shard of the stream so far, in shard order (TRIM_HORIZON to the tip). */
export async function readKinesisStream(
  kinesis: KinesisClient,
  streamName: string,
): Promise<KinesisRecordSeen[]> {
  const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const seen: KinesisRecordSeen[] = [];
  for (const shard of Shards ?? []) {
    const shardId = shard.ShardId as string;
    let { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        seen.push({
          shardId,
          partitionKey: record.PartitionKey as string,
          sequenceNumber: record.SequenceNumber as string,
          json: JSON.parse(Buffer.from(record.Data as Uint8Array).toString('utf8')),
        });
      }
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return seen;
}

/** Reads until `expected` records are on the stream or `timeoutMs` passes. */
export async function waitForKinesisRecords(
  kinesis: KinesisClient,
  streamName: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<KinesisRecordSeen[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await readKinesisStream(kinesis, streamName);
    if (seen.length >= expected || Date.now() > deadline) return seen;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
