import {
  type _Record,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  type ShardIteratorType,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { type BackoffPolicy, backoffDelayMs, isRetryableAwsError, sleep } from '../aws/backoff.ts';
import { compareSequenceNumbers } from '../checkpoint/sequence-numbers.ts';
import type { ShardCheckpoint, ShardCheckpointStore } from '../checkpoint/shard-checkpoints.ts';
import type { PipeMetrics, ShardStatus } from './pipe-metrics.ts';
import type { StreamsApi } from './stream-shards.ts';

export interface ShardReaderOptions {
  /** Records per delivery at most (a Pipe's BatchSize). */
  readonly batchSize: number;
  /** How long to gather records before delivering fewer than batchSize (MaximumBatchingWindowInSeconds). */
  readonly batchingWindowMs: number;
  /** Wait between reads that found nothing new (a Pipe polls about 4 times a second). */
  readonly pollIntervalMs: number;
  readonly backoff: BackoffPolicy;
  /** Trim errors in a row at one position before it counts as a real gap (DynamoDB Local raises them spuriously). */
  readonly trimmedRetries: number;
}

export interface PipeEvent {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface ShardReaderContext {
  readonly streams: StreamsApi;
  readonly streamArn: string;
  readonly status: ShardStatus;
  readonly checkpoint: ShardCheckpoint | undefined;
  /** Where to start without a checkpoint. */
  readonly startAt: Extract<ShardIteratorType, 'TRIM_HORIZON' | 'LATEST'>;
  readonly store: ShardCheckpointStore;
  readonly metrics: PipeMetrics;
  readonly options: ShardReaderOptions;
  /** Puts the records on the target, in order; throws if it cannot (then nothing is checkpointed). */
  deliver(records: readonly _Record[], signal: AbortSignal): Promise<void>;
  onEvent(event: PipeEvent): void;
}

/** The shard was read to its end, or the reader was asked to stop. */
export type ShardReaderEnd = 'finished' | 'stopped';

/**
 * Reads one shard from its checkpoint (or the starting position) to its end, delivering records in order and
 * moving the checkpoint only after a delivery is through. `stop` ends it between deliveries, so a clean stop
 * sends nothing twice; `abort` also cuts a delivery short (its records are sent again next time, and counted as
 * replayed).
 */
export async function readShard(
  context: ShardReaderContext,
  stop: AbortSignal,
  abort: AbortSignal,
): Promise<ShardReaderEnd> {
  const { streams, streamArn, status, store, metrics, options } = context;
  const shardId = status.shardId;
  let position = context.checkpoint?.sequenceNumber;
  let replayThrough = context.checkpoint?.inFlightThrough;
  let startAt: ShardIteratorType = context.startAt;
  let trimmedStrikes = 0;
  let buffer: _Record[] = [];
  let bufferSince = 0;

  const acquire = async (): Promise<string | undefined> => {
    const input = position
      ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: position }
      : { ShardIteratorType: startAt };
    const answer = await streams.send(
      new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ...input }),
    );
    return answer.ShardIterator;
  };

  const deliver = async (records: _Record[]) => {
    const last = records.at(-1)?.dynamodb?.SequenceNumber as string;
    await store.save({ shardId, sequenceNumber: position, finished: false, inFlightThrough: last });
    await context.deliver(records, abort);
    if (replayThrough !== undefined) {
      const through = replayThrough;
      metrics.replayed += records.filter(
        (r) => compareSequenceNumbers(r.dynamodb?.SequenceNumber ?? '', through) <= 0,
      ).length;
      if (compareSequenceNumbers(last, through) >= 0) replayThrough = undefined;
    }
    await store.save({ shardId, sequenceNumber: last, finished: false });
    position = last;
    status.checkpoint = last;
    metrics.recordsPut += records.length;
  };

  /** A trim error at `position`: transient (retry) or, after repeated strikes, data lost before it was read. */
  const onTrimmed = async () => {
    trimmedStrikes++;
    if (trimmedStrikes <= options.trimmedRetries) {
      metrics.iteratorsRenewed++;
      await sleep(backoffDelayMs(trimmedStrikes, options.backoff), stop);
      return;
    }
    metrics.gaps++;
    context.onEvent({
      level: 'error',
      message:
        `GAP in ${shardId}: the records after ${position ?? 'the shard start'} were trimmed from the stream before ` +
        'they were read (the pipe was stopped longer than the stream retention?). Continuing from the oldest record left.',
    });
    position = undefined;
    startAt = 'TRIM_HORIZON';
    trimmedStrikes = 0;
  };

  /** The next page, asked for while the current one is being delivered. */
  let prefetched: Promise<GetRecordsCommandOutput> | undefined;
  const fetchPage = (shardIterator: string) => {
    const page = streams.send(new GetRecordsCommand({ ShardIterator: shardIterator, Limit: 1000 }));
    page.catch(() => undefined); // awaited later, or dropped with its iterator after an error
    return page;
  };

  status.state = 'reading';
  let iterator: string | undefined;
  let failures = 0;
  let finished = false;
  while (!stop.aborted && !finished) {
    try {
      iterator ??= await acquire();
      if (iterator === undefined) {
        finished = true; // a closed shard read past its end
        break;
      }
      const page = await (prefetched ?? fetchPage(iterator));
      prefetched = undefined;
      failures = 0;
      trimmedStrikes = 0;
      const records = page.Records ?? [];
      iterator = page.NextShardIterator;
      if (records.length > 0) {
        if (buffer.length === 0) bufferSince = Date.now();
        buffer.push(...records);
        metrics.recordsRead += records.length;
        status.recordsRead += records.length;
        const created = records.at(-1)?.dynamodb?.ApproximateCreationDateTime?.getTime();
        status.millisBehind = created === undefined ? 0 : Math.max(0, Date.now() - created);
      } else status.millisBehind = 0;

      const closed = iterator === undefined;
      finished = closed;
      const windowOver = Date.now() - bufferSince >= options.batchingWindowMs;
      if (buffer.length >= options.batchSize || (buffer.length > 0 && (closed || windowOver))) {
        if (!closed && records.length > 0) prefetched = fetchPage(iterator as string);
        const batch = buffer;
        buffer = [];
        await deliver(batch); // in PutRecords calls of at most batchSize records
      }
      if (closed) break;
      if (records.length === 0 || (buffer.length > 0 && records.length < 1000)) {
        const untilWindow =
          buffer.length > 0 ? bufferSince + options.batchingWindowMs - Date.now() : Infinity;
        await sleep(Math.max(0, Math.min(options.pollIntervalMs, untilWindow)), stop);
      }
    } catch (error) {
      prefetched = undefined;
      if (abort.aborted) return 'stopped';
      // Renewing at LATEST would skip whatever arrived since the first iterator: once one was in use, a reader
      // with nothing delivered yet starts over at TRIM_HORIZON instead (duplicates possible, loss never).
      if (position === undefined && iterator !== undefined) startAt = 'TRIM_HORIZON';
      if (error instanceof ExpiredIteratorException) {
        metrics.iteratorsRenewed++;
        buffer = []; // not delivered, so not checkpointed: re-read from the checkpoint
        iterator = undefined;
      } else if (error instanceof TrimmedDataAccessException) {
        buffer = [];
        iterator = undefined;
        await onTrimmed();
      } else if (error instanceof ResourceNotFoundException && position !== undefined) {
        metrics.gaps++;
        context.onEvent({
          level: 'error',
          message: `GAP in ${shardId}: the shard is gone from the stream (${error.message}).`,
        });
        finished = true;
      } else if (isRetryableAwsError(error)) {
        failures++;
        await sleep(backoffDelayMs(failures, options.backoff), stop);
      } else throw error;
    }
  }
  if (!finished) return 'stopped';
  await store.save({ shardId, sequenceNumber: position, finished: true });
  status.state = 'finished';
  status.millisBehind = 0;
  return 'finished';
}
