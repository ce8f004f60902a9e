import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceInUseException,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';

export interface KinesisStream {
  readonly streamName: string;
  readonly streamArn: string;
  readonly shardCount: number;
  readonly created: boolean;
}

/**
 * Makes sure the Kinesis stream exists and is ACTIVE. Idempotent: an existing stream is kept with whatever
 * shard count it has (resharding is a deliberate operation, not a side effect of starting up).
 */
export async function ensureKinesisStream(
  client: KinesisClient,
  streamName: string,
  shardCount: number,
): Promise<KinesisStream> {
  let created = false;
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
    created = true;
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilStreamExists({ client, maxWaitTime: 120, minDelay: 1 }, { StreamName: streamName });
  const { StreamDescriptionSummary: summary } = await client.send(
    new DescribeStreamSummaryCommand({ StreamName: streamName }),
  );
  return {
    streamName,
    streamArn: summary?.StreamARN ?? '',
    shardCount: summary?.OpenShardCount ?? 0,
    created,
  };
}
