import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { sleep } from '../aws/backoff.ts';
import { ShardCheckpointStore, shardsFolder } from '../checkpoint/shard-checkpoints.ts';
import type { ObjectStore } from '../lake/object-store.ts';
import { HintedBuffer } from './buffer.ts';
import { type DeliveryConfig, type DeliveryConfigInput, DeliveryConfigSchema } from './delivery-config.ts';
import { DeliveryMetrics, type WrittenObject } from './delivery-metrics.ts';
import { KinesisSource, type StartingPosition } from './kinesis-source.ts';
import { S3Destination } from './s3-destination.ts';
import { ShardProgress } from './shard-progress.ts';
import { invokeTransform, type SourceRecord, type TransformHandler } from './transform-invoker.ts';

/** Records read and not yet durable, beyond which reading pauses (memory stays bounded). */
const MAX_BUFFERED_RECORDS = 50_000;

/**
 * The local Firehose, built as Firehose is: a Kinesis source (kinesis-source.ts), the Lambda processor
 * (processor buffering hints, then transform-invoker.ts with Firehose's event and rules) and an S3 destination
 * (s3-destination.ts: routing, partition buffers, encoding, object names, puts). This class runs them and owns
 * the checkpoints: a shard's checkpoint moves only past records that are durable in the lake or the error
 * prefix (or dropped by the transform).
 */
export class DeliveryWorker {
  readonly metrics = new DeliveryMetrics();
  private readonly config: DeliveryConfig;
  private readonly processor: HintedBuffer<SourceRecord>;
  private readonly source: KinesisSource;
  private readonly destination: S3Destination;
  private readonly progress = new Map<string, ShardProgress>();
  private readonly saved = new Map<string, string | undefined>();
  private readonly stopController = new AbortController();
  private checkpoints: ShardCheckpointStore | undefined;
  private running: Promise<void> | undefined;
  private readonly invoke: TransformHandler;
  private readersDone = false;
  /** Processor batches whose size hint was met while reading, waiting for the transform. */
  private readyBatches: SourceRecord[][] = [];

  constructor(
    clients: { readonly kinesis: Pick<KinesisClient, 'send'> },
    store: Pick<ObjectStore, 'put'>,
    handler: TransformHandler,
    config: DeliveryConfigInput,
    onObjectWritten: (object: WrittenObject) => void = () => {},
  ) {
    this.invoke = (event) => {
      this.metrics.invocations++;
      return handler(event);
    };
    this.config = DeliveryConfigSchema.parse(config);
    this.processor = new HintedBuffer(this.config.processorBuffer);
    const signal = this.stopController.signal;
    this.source = new KinesisSource(clients.kinesis, this.config.kinesisStreamName, {
      pollIntervalMs: this.config.pollIntervalMs,
      signal,
    });
    this.destination = new S3Destination(store, this.config, this.metrics, signal, {
      durable: (records) => {
        for (const record of records) this.progress.get(record.shardId)?.done(record.sequenceNumber);
      },
      objectWritten: onObjectWritten,
    });
  }

  start(): Promise<void> {
    this.running ??= this.run();
    return this.running;
  }

  /** Stops reading, delivers everything read so far, moves the checkpoints, and resolves. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { config } = this;
    this.checkpoints = new ShardCheckpointStore(
      shardsFolder(config.checkpointDir, config.deliveryStreamName),
    );
    const saved = await this.checkpoints.loadAll();
    // A first start begins at the starting position, later ones at the oldest record of a new shard; a
    // replay (AT_TIMESTAMP) starts every shard without a checkpoint at its time.
    const start: StartingPosition =
      config.startingPosition === 'AT_TIMESTAMP'
        ? { type: 'AT_TIMESTAMP', timestampMs: config.startingTimestampMs ?? 0 }
        : { type: saved.size === 0 ? config.startingPosition : 'TRIM_HORIZON' };
    const sink = {
      accept: (shardId: string, records: readonly SourceRecord[], millisBehind: number) =>
        this.accept(shardId, records, millisBehind),
      isFull: () => this.metrics.bufferedRecords >= MAX_BUFFERED_RECORDS,
    };
    const readers = (await this.source.shardIds()).map((shardId) => {
      const checkpoint = saved.get(shardId)?.sequenceNumber;
      this.progress.set(shardId, new ShardProgress(checkpoint));
      this.saved.set(shardId, checkpoint);
      return this.source.readShard(shardId, checkpoint, start, sink);
    });
    const pumping = this.pump();
    try {
      await Promise.all(readers);
    } finally {
      this.readersDone = true; // the pump's last pass then delivers everything they read
      this.stopController.abort();
    }
    try {
      await pumping;
    } finally {
      await this.destination.close();
    }
  }

  /** A page of a shard's records: into the processor buffer, cut into batches at its size hint. */
  private accept(shardId: string, records: readonly SourceRecord[], millisBehind: number): void {
    this.metrics.shardMillisBehind.set(shardId, millisBehind);
    const now = Date.now();
    for (const record of records) {
      this.progress.get(shardId)?.read(record.sequenceNumber, record.arrivalMs);
      this.processor.add(record, record.data.byteLength, now);
      // Firehose invokes the function with about the size hint's worth of records.
      if (this.processor.byteSize >= this.config.processorBuffer.sizeBytes) {
        this.readyBatches.push(this.processor.take());
      }
      this.metrics.recordsIn++;
      this.metrics.bufferedRecords++;
    }
  }

  /** Moves buffered records along whenever a buffering hint is met; at the stop, everything. */
  private async pump(): Promise<void> {
    const stop = this.stopController.signal;
    for (;;) {
      const final = stop.aborted && this.readersDone;
      // Oldest first: batches cut at the size hint, then the rest once its interval is up.
      const batches = this.readyBatches.splice(0);
      if (this.processor.isDue(Date.now()) || (final && this.processor.size > 0))
        batches.push(this.processor.take());
      for (const batch of batches) {
        await this.process(batch);
        await this.destination.writeReady();
      }
      await this.destination.writeDue(Date.now(), final);
      await this.saveCheckpoints();
      this.updateInFlightMetrics();
      if (final) return;
      const next = Math.min(this.processor.dueAt(), this.destination.dueAt());
      await sleep(Math.max(5, Math.min(50, next - Date.now())), stop.aborted ? undefined : stop);
    }
  }

  /** Runs the transform over a processor batch and hands each outcome on. */
  private async process(batch: SourceRecord[]): Promise<void> {
    if (batch.length === 0) return;
    const outcomes = await invokeTransform(this.invoke, batch, {
      deliveryStreamArn: this.config.deliveryStreamArn,
      sourceStreamArn: `arn:aws:kinesis:${this.config.region}:000000000000:stream/${this.config.kinesisStreamName}`,
      region: this.config.region,
      retries: this.config.invocationRetries,
    });
    const now = Date.now();
    for (const outcome of outcomes) {
      if (outcome.result !== 'Dropped') this.destination.route(outcome, now);
      else {
        this.metrics.dropped++;
        this.progress.get(outcome.record.shardId)?.done(outcome.record.sequenceNumber);
      }
    }
  }

  private updateInFlightMetrics(): void {
    let buffered = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const progress of this.progress.values()) {
      buffered += progress.inFlight;
      oldest = Math.min(oldest, progress.oldestInFlightArrivalMs ?? oldest);
    }
    this.metrics.bufferedRecords = buffered;
    this.metrics.dataFreshnessMs = Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) : 0;
  }

  private async saveCheckpoints(): Promise<void> {
    for (const [shardId, progress] of this.progress) {
      const checkpoint = progress.checkpoint;
      if (checkpoint === this.saved.get(shardId)) continue;
      await this.checkpoints?.save({ shardId, sequenceNumber: checkpoint, finished: false });
      this.saved.set(shardId, checkpoint);
    }
  }
}
