import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';

/**
 * Reads every record of a DynamoDB stream from TRIM_HORIZON, shard by shard, until `expected` records are in
 * or `timeoutMs` passes (DynamoDB Local's open shards never end, so a count is the stopping rule).
 */
export async function readStream(
  client: DynamoDBStreamsClient,
  streamArn: string,
  expected: number,
  timeoutMs = 20_000,
): Promise<_Record[]> {
  const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const iterators = new Map<string, string | undefined>();
  for (const shard of StreamDescription?.Shards ?? []) {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    iterators.set(shard.ShardId ?? '', ShardIterator);
  }
  const records: _Record[] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < expected && Date.now() < deadline) {
    let got = 0;
    for (const [shardId, iterator] of iterators) {
      if (!iterator) continue;
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      records.push(...(page.Records ?? []));
      got += page.Records?.length ?? 0;
      iterators.set(shardId, page.NextShardIterator);
    }
    if (got === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return records;
}
