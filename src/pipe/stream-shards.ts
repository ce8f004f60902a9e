import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';

export type StreamsApi = Pick<DynamoDBStreamsClient, 'send'>;

/** Every shard of the stream (DescribeStream pages through them 100 at a time). */
export async function describeShards(streams: StreamsApi, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let exclusiveStartShardId: string | undefined;
  do {
    const { StreamDescription: description } = await streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
    );
    shards.push(...(description?.Shards ?? []));
    exclusiveStartShardId = description?.LastEvaluatedShardId;
  } while (exclusiveStartShardId);
  return shards;
}
