import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { backoffDelayMs, DEFAULT_BACKOFF, isRetryableAwsError, sleep } from '../aws/backoff.ts';
import type { SourceRecord } from './transform-invoker.ts';

/** Where a shard without a checkpoint starts (Firehose itself starts at LATEST when created). */
export type StartingPosition =
  | { readonly type: 'TRIM_HORIZON' | 'LATEST' }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestampMs: number };

/** What a shard reader hands its records to. */
export interface ShardSink {
  /** One page of a shard's records, in shard order, with Kinesis' MillisBehindLatest for the shard. */
  accept(shardId: string, records: readonly SourceRecord[], millisBehindLatest: number): void;
  /** True while the consumer holds as much as it may: reading pauses until it is false again. */
  isFull(): boolean;
}

/**
 * Firehose's Kinesis source: lists the stream's shards and reads each one with GetRecords from its checkpoint
 * (or the starting position), page after page, until the shard is closed and read to its end or `signal`
 * aborts. An expired iterator is renewed after the last record read; throttling and other retryable errors
 * are retried with backoff; anything else ends the read with the error.
 */
export class KinesisSource {
  constructor(
    private readonly kinesis: Pick<KinesisClient, 'send'>,
    private readonly streamName: string,
    private readonly options: { readonly pollIntervalMs: number; readonly signal: AbortSignal },
  ) {}

  async shardIds(): Promise<string[]> {
    const { Shards: shards = [] } = await this.kinesis.send(
      new ListShardsCommand({ StreamName: this.streamName }),
    );
    return shards.map((shard) => shard.ShardId as string);
  }

  /** Reads one shard after `checkpoint` (a sequence number), or from `start` when there is none. */
  async readShard(
    shardId: string,
    checkpoint: string | undefined,
    start: StartingPosition,
    sink: ShardSink,
  ): Promise<void> {
    const { signal, pollIntervalMs } = this.options;
    let lastRead = checkpoint;
    let iterator: string | undefined;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (sink.isFull()) {
          await sleep(50, signal);
          continue;
        }
        iterator ??= (
          await this.kinesis.send(new GetShardIteratorCommand(this.iteratorAt(shardId, lastRead, start)))
        ).ShardIterator;
        if (!iterator) return;
        const page = await this.kinesis.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
        );
        failures = 0;
        iterator = page.NextShardIterator;
        const now = Date.now();
        const records = (page.Records ?? []).map(
          (record): SourceRecord => ({
            shardId,
            sequenceNumber: record.SequenceNumber as string,
            partitionKey: record.PartitionKey ?? '',
            arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? now,
            data: record.Data ?? new Uint8Array(),
          }),
        );
        sink.accept(shardId, records, page.MillisBehindLatest ?? 0);
        lastRead = records.at(-1)?.sequenceNumber ?? lastRead;
        if (!iterator) return; // the shard was closed and is read to its end
        if (records.length === 0) await sleep(pollIntervalMs, signal);
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ExpiredIteratorException)
          iterator = undefined; // resume after the last record read
        else if (isRetryableAwsError(error)) await sleep(backoffDelayMs(++failures, DEFAULT_BACKOFF), signal);
        else throw error;
      }
    }
  }

  private iteratorAt(
    shardId: string,
    lastRead: string | undefined,
    start: StartingPosition,
  ): GetShardIteratorCommandInput {
    const shard = { StreamName: this.streamName, ShardId: shardId };
    if (lastRead)
      return { ...shard, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: lastRead };
    if (start.type === 'AT_TIMESTAMP')
      return { ...shard, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(start.timestampMs) };
    return { ...shard, ShardIteratorType: start.type };
  }
}
