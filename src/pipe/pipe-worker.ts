import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { _Record, Shard } from '@aws-sdk/client-dynamodb-streams';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { backoffDelayMs, isRetryableAwsError, sleep } from '../aws/backoff.ts';
import { writeFileDurably } from '../checkpoint/durable-file.ts';
import { type ShardCheckpoint, ShardCheckpointStore, shardsFolder } from '../checkpoint/shard-checkpoints.ts';
import { type KinesisEntry, MAX_ENTRIES_PER_CALL, putInOrder } from './kinesis-writer.ts';
import { partitionKeyReader } from './partition-key.ts';
import { type PipeConfig, type PipeConfigInput, PipeConfigSchema } from './pipe-config.ts';
import { PipeMetrics, type ShardStatus } from './pipe-metrics.ts';
import { toPipesRecord } from './pipes-record.ts';
import { type PipeEvent, readShard } from './shard-reader.ts';
import { describeShards, type StreamsApi } from './stream-shards.ts';

export interface PipeClients {
  readonly streams: StreamsApi;
  readonly kinesis: Pick<KinesisClient, 'send'>;
}

/**
 * The local EventBridge Pipe: DynamoDB stream → Kinesis. Reads every shard (parents before children, new shards
 * as they appear), puts each record on Kinesis in Pipes' JSON shape with the configured partition key, and
 * checkpoints each shard in `<checkpointDir>/<table>-<stream label>/shards/` after its records are on Kinesis.
 *
 * `stop()` ends it cleanly between deliveries; `abort()` also cuts deliveries short. Either way a restart over
 * the same checkpoint directory resumes without loss.
 */
export class PipeWorker {
  readonly metrics = new PipeMetrics();
  private readonly stopController = new AbortController();
  private readonly abortController = new AbortController();
  private readonly readers = new Map<string, Promise<void>>();
  private readonly partitionKeyOf: (record: unknown) => string | undefined;
  private failure: unknown;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  private readonly config: PipeConfig;

  constructor(
    private readonly clients: PipeClients,
    config: PipeConfigInput,
    private readonly onEvent: (event: PipeEvent) => void = () => {},
  ) {
    this.config = PipeConfigSchema.parse(config);
    this.partitionKeyOf = partitionKeyReader(this.config.partitionKeyPath);
  }

  /** Starts reading; the returned promise settles when the pipe stops (rejects if it failed). */
  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  /** Stops between deliveries and waits: nothing is sent twice after a clean stop. */
  async stop(): Promise<void> {
    this.stopController.abort();
    this.wake?.();
    await this.running?.catch(() => undefined);
  }

  /** Stops at once, also mid-delivery (its records are re-sent on restart and counted as replayed). */
  async abort(): Promise<void> {
    this.abortController.abort();
    await this.stop();
  }

  private async run(): Promise<void> {
    const { config } = this;
    const source = streamLabel(config.streamArn);
    const directory = join(config.checkpointDir, source);
    await mkdir(directory, { recursive: true });
    const store = new ShardCheckpointStore(shardsFolder(config.checkpointDir, source));
    const checkpoints = await store.loadAll();
    // LATEST only means something the first time: later, a shard without a checkpoint is read from its start.
    const marker = join(directory, 'pipe.json');
    const firstRun = !existsSync(marker);
    if (firstRun) {
      await writeFileDurably(
        marker,
        `${JSON.stringify({ startedAt: new Date().toISOString(), ...config }, null, 2)}\n`,
      );
    }
    const initialStart = firstRun ? config.startingPosition : 'TRIM_HORIZON';

    try {
      await this.scheduleShards(store, checkpoints, initialStart);
    } catch (error) {
      this.failure ??= error;
    }
    this.stopController.abort(); // a failed scheduler stops the readers too
    await Promise.all(this.readers.values());
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Until stopped: looks at the stream's shards every `shardRefreshMs` (and whenever a shard finishes) and
   * starts a reader for each shard whose parent is read to its end, or gone from the stream.
   */
  private async scheduleShards(
    store: ShardCheckpointStore,
    checkpoints: Map<string, ShardCheckpoint>,
    initialStart: 'TRIM_HORIZON' | 'LATEST',
  ): Promise<void> {
    const { config } = this;
    const stop = this.stopController.signal;
    let knownAtStart: Set<string> | undefined;
    let describeFailures = 0;
    while (!stop.aborted && this.failure === undefined) {
      let shards: Shard[];
      try {
        shards = await describeShards(this.clients.streams, config.streamArn);
        describeFailures = 0;
      } catch (error) {
        // A passing outage must not stop readers that are fine: look again after a backoff.
        if (!isRetryableAwsError(error) || stop.aborted) throw error;
        await sleep(backoffDelayMs(++describeFailures, config.backoff), stop);
        continue;
      }
      knownAtStart ??= new Set(shards.map((shard) => shard.ShardId ?? ''));
      const described = new Set(shards.map((shard) => shard.ShardId));
      for (const shard of shards) {
        const shardId = shard.ShardId as string;
        const status = this.statusOf(shard, checkpoints.get(shardId));
        if (status.state === 'finished' || this.readers.has(shardId)) continue;
        const parent = shard.ParentShardId;
        const startAt = knownAtStart.has(shardId) ? initialStart : 'TRIM_HORIZON';
        // On a first start at LATEST, shards there at the start are all read from now on: a closed parent
        // holds nothing new, so its children must not wait for it (LATEST taken later would skip their records).
        const parentDone =
          parent === undefined ||
          !described.has(parent) ||
          this.metrics.shards.get(parent)?.state === 'finished' ||
          (startAt === 'LATEST' && knownAtStart.has(parent));
        if (!parentDone) continue;
        this.readers.set(shardId, this.readShard(store, status, checkpoints.get(shardId), startAt));
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        void sleep(config.shardRefreshMs, stop).then(resolve);
      });
    }
  }

  private statusOf(shard: Shard, checkpoint: ShardCheckpoint | undefined): ShardStatus {
    const shardId = shard.ShardId as string;
    let status = this.metrics.shards.get(shardId);
    if (!status) {
      status = {
        shardId,
        parentShardId: shard.ParentShardId,
        state: checkpoint?.finished ? 'finished' : 'waiting-for-parent',
        recordsRead: 0,
        checkpoint: checkpoint?.sequenceNumber,
        millisBehind: 0,
      };
      this.metrics.shards.set(shardId, status);
    }
    return status;
  }

  private async readShard(
    store: ShardCheckpointStore,
    status: ShardStatus,
    checkpoint: ShardCheckpoint | undefined,
    startAt: 'TRIM_HORIZON' | 'LATEST',
  ): Promise<void> {
    try {
      const end = await readShard(
        {
          streams: this.clients.streams,
          streamArn: this.config.streamArn,
          status,
          checkpoint,
          startAt,
          store,
          metrics: this.metrics,
          options: this.config,
          deliver: (records, signal) => this.deliver(records, signal),
          onEvent: this.onEvent,
        },
        this.stopController.signal,
        this.abortController.signal,
      );
      if (end === 'finished') {
        this.onEvent({ level: 'info', message: `${status.shardId} is closed and fully read` });
        this.wake?.(); // its children may start now
      }
    } catch (error) {
      this.failure ??= error;
      this.stopController.abort();
      this.wake?.();
    } finally {
      this.readers.delete(status.shardId);
    }
  }

  private async deliver(records: readonly _Record[], signal: AbortSignal): Promise<void> {
    const entries: KinesisEntry[] = records.map((record) => {
      const pipesRecord = toPipesRecord(record, this.config.streamArn);
      const partitionKey = this.partitionKeyOf(pipesRecord) ?? this.keyFallback(pipesRecord);
      return { data: Buffer.from(JSON.stringify(pipesRecord), 'utf8'), partitionKey };
    });
    await putInOrder(this.clients.kinesis, this.config.kinesisStreamName, entries, {
      backoff: this.config.backoff,
      counters: this.metrics.put,
      signal,
      maxEntriesPerCall: Math.min(this.config.batchSize, MAX_ENTRIES_PER_CALL),
    });
  }

  /** A record the key path finds nothing in still goes through, keyed by its eventID, and is counted. */
  private keyFallback(record: { eventID: string }): string {
    this.metrics.partitionKeyFallbacks++;
    if (this.metrics.partitionKeyFallbacks === 1) {
      this.onEvent({
        level: 'warn',
        message: `Partition key path ${this.config.partitionKeyPath} finds no value in record ${record.eventID}; keying it (and any like it) by eventID, so its order relative to the same item's other changes is not kept.`,
      });
    }
    return record.eventID || 'unknown';
  }
}

/** "arn:…:table/OrdersRawTable/stream/2026-11-22T00:00:00.000" → "OrdersRawTable-2026-11-22T00-00-00.000". */
export function streamLabel(streamArn: string): string {
  const match = /table\/([^/]+)\/stream\/(.+)$/.exec(streamArn);
  const label = match ? `${match[1]}-${match[2]}` : streamArn;
  return label.replace(/[^A-Za-z0-9._-]/g, '-');
}
