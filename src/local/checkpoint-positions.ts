import { GetShardIteratorCommand, type KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import {
  CorruptCheckpointError,
  everySourceCheckpoint,
  ShardCheckpointStore,
  shardsFolder,
} from '../checkpoint/shard-checkpoints.ts';

/**
 * Checks, before anything is written, that each delivery checkpoint names a position its Kinesis stream has.
 * A checkpoint can read well and still be wrong — another stream's (the stream was recreated, or `--stream`
 * changed over the same data dir), or edited by hand — and then the delivery's GetShardIterator fails only
 * once the run is under way, after orders were written. One GetShardIterator per checkpointed shard asks
 * the server itself; a refusal (InvalidArgumentException) becomes a CorruptCheckpointError naming the file.
 * `checkpointDir` holds `<delivery stream>/shards/<shardId>.json`, as the delivery writes them.
 */
export async function checkDeliveryCheckpoints(
  kinesis: Pick<KinesisClient, 'send'>,
  checkpointDir: string,
  streamName: string,
): Promise<void> {
  const checkpoints = await everySourceCheckpoint(checkpointDir);
  if (checkpoints.length === 0) return;
  const { Shards: shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const shardIds = new Set(shards.map((shard) => shard.ShardId));
  for (const { source, checkpoint } of checkpoints) {
    // The delivery reads only the stream's shards; a checkpoint of another shard is never used.
    if (checkpoint.sequenceNumber === undefined || !shardIds.has(checkpoint.shardId)) continue;
    try {
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: checkpoint.shardId,
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
          StartingSequenceNumber: checkpoint.sequenceNumber,
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'InvalidArgumentException') throw error;
      throw new CorruptCheckpointError(
        new ShardCheckpointStore(shardsFolder(checkpointDir, source)).pathOf(checkpoint.shardId),
        `Kinesis stream ${streamName} has no sequence number ${checkpoint.sequenceNumber} in ${checkpoint.shardId}`,
      );
    }
  }
}
