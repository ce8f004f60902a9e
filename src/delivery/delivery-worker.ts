import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { backoffDelayMs, DEFAULT_BACKOFF, isRetryableAwsError, sleep } from '../aws/backoff.ts';
import { TABLE_NAME } from '../catalog/lake-layout.ts';
import { type ShardCheckpoint, ShardCheckpointStore } from '../checkpoint/shard-checkpoints.ts';
import { ParquetEncoder } from '../lake/parquet-encoder.ts';
import { HintedBuffer } from './buffer.ts';
import { type DeliveryConfig, type DeliveryConfigInput, DeliveryConfigSchema } from './delivery-config.ts';
import { ERROR_CODES, errorRecordLine, formatConversionErrorLine } from './error-record.ts';
import { objectKey } from './object-name.ts';
import { convertToParquet, type ParquetConversion } from './record-format-conversion.ts';
import {
  compilePrefix,
  MissingPartitionKeyError,
  RANDOM_STRING_PLACEHOLDER,
  randomString,
  type S3Prefix,
} from './s3-prefix.ts';
import { ShardProgress } from './shard-progress.ts';
import {
  invokeTransform,
  type RecordOutcome,
  type SourceRecord,
  type TransformHandler,
} from './transform-invoker.ts';

/** Where objects go: the lake folder locally, the bucket on AWS (see src/lake). */
export interface ObjectWriter {
  put(key: string, body: Uint8Array): Promise<void>;
}

/** What the delivery has done, for status, the dashboard and the tests (docs/reliability.md, "Accounting"). */
export class DeliveryMetrics {
  recordsIn = 0;
  ok = 0;
  dropped = 0;
  processingFailed = 0;
  invocations = 0;
  objectsWritten = 0;
  /** Ok rows durable in the lake (`ok` counts them once transformed, before they are written). */
  rowsWritten = 0;
  bytesWritten = 0;
  errorObjectsWritten = 0;
  /** Ok rows the Parquet conversion rejected: written under `errors/format-conversion-failed/`. */
  formatConversionFailed = 0;
  /** Failed attempts to convert or write an object (each is retried; see `lastWriteError`). */
  writeRetries = 0;
  /** Why the last failed attempt failed; undefined once an object is written again. */
  lastWriteError: string | undefined;
  /** Records left unwritten at the stop because their object could not be written: read again next start. */
  unwrittenAtStop = 0;
  /** Per shard: how far behind the stream's tip the last read was (Kinesis' MillisBehindLatest). */
  readonly shardMillisBehind = new Map<string, number>();
  bufferedRecords = 0;

  get millisBehind(): number {
    return Math.max(0, ...this.shardMillisBehind.values());
  }

  /**
   * Firehose's DataFreshness: the age of the oldest record read from Kinesis and not yet durable in the lake
   * (every older record is); 0 when nothing is in flight. Set by the worker as it runs.
   */
  dataFreshnessMs = 0;
}

/** An object the delivery made durable, with the transformed rows in it (JSON lines, one per record). */
export interface WrittenObject {
  readonly key: string;
  readonly kind: 'data' | 'error';
  readonly rows: readonly Uint8Array[];
  readonly writtenAtMs: number;
}

interface BufferedRow {
  readonly record: SourceRecord;
  readonly bytes: Uint8Array;
}

/** Records read and not yet durable, beyond which reading pauses (memory stays bounded). */
const MAX_BUFFERED_RECORDS = 50_000;
/**
 * Pacing of the retries of an object that cannot be converted or written (the disk is full, say). Like
 * Firehose, the delivery retries until it succeeds, holding later objects back; once stopping, it gives up
 * after STOPPING_ATTEMPTS and leaves those records unread in its checkpoint, so the next start retries them.
 */
const WRITE_BACKOFF = { baseDelayMs: 100, maxDelayMs: 5_000 };
const STOPPING_ATTEMPTS = 3;

/**
 * The local Firehose: Kinesis source, Lambda processor, S3 destination. Reads every shard, buffers records
 * (processor hints), runs the transform with Firehose's event and rules, routes Ok rows to their dynamic
 * partition and failures to the error prefix as Firehose's JSON envelope, buffers each partition
 * (destination hints) and writes objects named as Firehose names them. A shard's checkpoint moves only past
 * records that are durable in the lake or the error prefix (or dropped by the transform).
 */
export class DeliveryWorker {
  readonly metrics = new DeliveryMetrics();
  private readonly config: DeliveryConfig;
  private readonly dataPrefix: S3Prefix;
  private readonly errorPrefix: S3Prefix;
  private readonly processor: HintedBuffer<SourceRecord>;
  private readonly destinations = new Map<string, HintedBuffer<BufferedRow>>();
  private readonly progress = new Map<string, ShardProgress>();
  private readonly saved = new Map<string, string | undefined>();
  private readonly stopController = new AbortController();
  private checkpoints: ShardCheckpointStore | undefined;
  private running: Promise<void> | undefined;
  private encoder: Promise<ParquetEncoder> | undefined;
  private readonly invoke: TransformHandler;
  private readersDone = false;
  /** Processor batches whose size hint was met while reading, waiting for the transform. */
  private readyBatches: SourceRecord[][] = [];
  /** Objects whose size hint was met while routing, waiting to be written. */
  private ready: Array<[key: string, rows: BufferedRow[]]> = [];

  constructor(
    private readonly clients: { readonly kinesis: Pick<KinesisClient, 'send'> },
    private readonly store: ObjectWriter,
    handler: TransformHandler,
    config: DeliveryConfigInput,
    private readonly onObjectWritten: (object: WrittenObject) => void = () => {},
  ) {
    this.invoke = (event) => {
      this.metrics.invocations++;
      return handler(event);
    };
    this.config = DeliveryConfigSchema.parse(config);
    this.dataPrefix = compilePrefix(this.config.prefix, 'data');
    this.errorPrefix = compilePrefix(this.config.errorOutputPrefix, 'error');
    this.processor = new HintedBuffer(this.config.processorBuffer);
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
      join(config.checkpointDir, config.deliveryStreamName, 'shards'),
    );
    const saved = await this.checkpoints.loadAll();
    const firstRun = saved.size === 0;
    const { Shards: shards = [] } = await this.clients.kinesis.send(
      new ListShardsCommand({ StreamName: config.kinesisStreamName }),
    );
    const readers = shards.map((shard) => {
      const shardId = shard.ShardId as string;
      const checkpoint = saved.get(shardId);
      this.progress.set(shardId, new ShardProgress(checkpoint?.sequenceNumber));
      this.saved.set(shardId, checkpoint?.sequenceNumber);
      const atTimestamp = config.startingPosition === 'AT_TIMESTAMP';
      return this.readShard(
        shardId,
        checkpoint,
        firstRun || atTimestamp ? config.startingPosition : 'TRIM_HORIZON',
      );
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
      await (await this.encoder)?.close();
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
        for (const [key, rows] of this.ready.splice(0)) await this.write(key, rows);
      }
      for (const [key, buffer] of this.destinations) {
        if (buffer.isDue(Date.now()) || (final && buffer.size > 0)) await this.write(key, buffer.take());
      }
      // Error objects cut at their size hint while the others were written (rows the conversion rejected).
      for (const [key, rows] of this.ready.splice(0)) await this.write(key, rows);
      await this.saveCheckpoints();
      this.updateInFlightMetrics();
      if (final) return;
      const next = Math.min(this.processor.dueAt(), ...[...this.destinations.values()].map((b) => b.dueAt()));
      await sleep(Math.max(5, Math.min(50, next - Date.now())), stop.aborted ? undefined : stop);
    }
  }

  private async readShard(shardId: string, checkpoint: ShardCheckpoint | undefined, startAt: string) {
    const { config } = this;
    const stop = this.stopController.signal;
    let lastRead = checkpoint?.sequenceNumber;
    let iterator: string | undefined;
    let failures = 0;
    while (!stop.aborted) {
      try {
        if (this.metrics.bufferedRecords >= MAX_BUFFERED_RECORDS) {
          await sleep(50, stop);
          continue;
        }
        iterator ??= (
          await this.clients.kinesis.send(
            new GetShardIteratorCommand({
              StreamName: config.kinesisStreamName,
              ShardId: shardId,
              ...(lastRead
                ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: lastRead }
                : startAt === 'AT_TIMESTAMP'
                  ? {
                      ShardIteratorType: 'AT_TIMESTAMP',
                      Timestamp: new Date(config.startingTimestampMs ?? 0),
                    }
                  : { ShardIteratorType: startAt as 'LATEST' | 'TRIM_HORIZON' }),
            }),
          )
        ).ShardIterator;
        if (!iterator) return;
        const page = await this.clients.kinesis.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
        );
        failures = 0;
        iterator = page.NextShardIterator;
        this.metrics.shardMillisBehind.set(shardId, page.MillisBehindLatest ?? 0);
        const now = Date.now();
        for (const record of page.Records ?? []) {
          const data = record.Data ?? new Uint8Array();
          const source: SourceRecord = {
            shardId,
            sequenceNumber: record.SequenceNumber as string,
            partitionKey: record.PartitionKey ?? '',
            arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? now,
            data,
          };
          this.progress.get(shardId)?.read(source.sequenceNumber, source.arrivalMs);
          this.processor.add(source, data.byteLength, now);
          // Cut processor batches at the size hint, as Firehose invokes the function with about that much.
          if (this.processor.byteSize >= this.config.processorBuffer.sizeBytes) {
            this.readyBatches.push(this.processor.take());
          }
          this.metrics.recordsIn++;
          this.metrics.bufferedRecords++;
          lastRead = source.sequenceNumber;
        }
        if (!iterator) return; // the shard was closed and is read to its end
        if ((page.Records ?? []).length === 0) await sleep(config.pollIntervalMs, stop);
      } catch (error) {
        if (stop.aborted) return;
        if (error instanceof ExpiredIteratorException)
          iterator = undefined; // resume after the last record read
        else if (isRetryableAwsError(error)) await sleep(backoffDelayMs(++failures, DEFAULT_BACKOFF), stop);
        else throw error;
      }
    }
  }

  /** Runs the transform over a processor batch and routes each outcome. */
  private async process(batch: SourceRecord[]): Promise<void> {
    if (batch.length === 0) return;
    const outcomes = await invokeTransform(this.invoke, batch, {
      deliveryStreamArn: this.config.deliveryStreamArn,
      sourceStreamArn: `arn:aws:kinesis:${this.config.region}:000000000000:stream/${this.config.kinesisStreamName}`,
      region: this.config.region,
      retries: this.config.invocationRetries,
    });
    const now = Date.now();
    for (const outcome of outcomes) this.route(outcome, now);
  }

  private route(outcome: RecordOutcome, now: number): void {
    const { record } = outcome;
    if (outcome.result === 'Dropped') {
      this.metrics.dropped++;
      this.progress.get(record.shardId)?.done(record.sequenceNumber);
      return;
    }
    if (outcome.result === 'Ok') {
      try {
        const prefix = this.dataPrefix.evaluate({
          arrivalMs: record.arrivalMs,
          partitionKeys: outcome.partitionKeys,
          randomString: RANDOM_STRING_PLACEHOLDER,
        });
        this.metrics.ok++;
        this.buffer(`data\n${prefix}`, { record, bytes: outcome.data }, now);
        return;
      } catch (error) {
        if (!(error instanceof MissingPartitionKeyError)) throw error;
        outcome = {
          result: 'ProcessingFailed',
          record,
          errorCode: ERROR_CODES.missingPartitionKey,
          errorMessage: error.message,
          attemptsMade: 1,
        };
      }
    }
    this.metrics.processingFailed++;
    const line = errorRecordLine({
      attemptsMade: outcome.attemptsMade,
      arrivalTimestamp: record.arrivalMs,
      errorCode: outcome.errorCode,
      errorMessage: outcome.errorMessage,
      attemptEndingTimestamp: now,
      rawData: Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength).toString(
        'base64',
      ),
      lambdaArn: this.config.lambdaArn,
    });
    this.bufferError('processing-failed', record, line, now);
  }

  /** An Ok row the Parquet conversion rejected: Firehose's conversion error record, with the row itself. */
  private routeConversionFailure(row: BufferedRow, reason: string, now: number): void {
    this.metrics.formatConversionFailed++;
    const line = formatConversionErrorLine({
      attemptsMade: 1,
      arrivalTimestamp: row.record.arrivalMs,
      errorCode: ERROR_CODES.malformedData,
      errorMessage: reason,
      attemptEndingTimestamp: now,
      rawData: Buffer.from(row.bytes).toString('base64'),
      sequenceNumber: row.record.sequenceNumber,
      subSequenceNumber: 0,
      dataCatalogTable: { databaseName: 'local', tableName: TABLE_NAME, region: this.config.region },
    });
    this.bufferError('format-conversion-failed', row.record, line, now);
  }

  private bufferError(
    errorOutputType: 'processing-failed' | 'format-conversion-failed',
    record: SourceRecord,
    line: string,
    now: number,
  ): void {
    const prefix = this.errorPrefix.evaluate({
      arrivalMs: record.arrivalMs,
      errorOutputType,
      randomString: RANDOM_STRING_PLACEHOLDER,
    });
    this.buffer(`error\n${prefix}`, { record, bytes: Buffer.from(line, 'utf8') }, now);
  }

  private buffer(key: string, row: BufferedRow, now: number): void {
    let buffer = this.destinations.get(key);
    if (!buffer) {
      buffer = new HintedBuffer(this.config.destinationBuffer);
      this.destinations.set(key, buffer);
    }
    buffer.add(row, row.bytes.byteLength, now);
    // Cut the object at the size hint, as Firehose does, even inside one large processor batch.
    if (buffer.byteSize >= this.config.destinationBuffer.sizeBytes) this.ready.push([key, buffer.take()]);
  }

  /**
   * Writes one object of buffered rows, then counts its records durable. Rows the Parquet conversion rejects
   * go to the error prefix instead (and count durable when their error object is written). A conversion or
   * write that fails for another reason is retried; see WRITE_BACKOFF.
   */
  private async write(key: string, rows: BufferedRow[]): Promise<void> {
    const [kind, groupPrefix = ''] = key.split('\n');
    const parquet = kind === 'data' && this.config.format === 'PARQUET';
    const gzip = !parquet && this.config.compression === 'GZIP';
    const object = await this.retrying(rows, async (): Promise<ParquetConversion<BufferedRow>> => {
      if (!parquet) {
        const body = Buffer.concat(rows.map((row) => row.bytes));
        return { body: gzip ? gzipSync(body) : body, converted: rows, failed: [] };
      }
      this.encoder ??= ParquetEncoder.create();
      const encoder = await this.encoder;
      return convertToParquet(
        rows,
        (row) => row.bytes,
        (lines) => encoder.encode(lines),
      );
    });
    if (this.destinations.get(key)?.size === 0) this.destinations.delete(key);
    if (object === undefined) return;
    const now = Date.now();
    for (const { row, reason } of object.failed) this.routeConversionFailure(row, reason, now);
    const { body, converted: objectRows } = object;
    if (body === undefined) return; // every row went to the error prefix
    const objectName = objectKey({
      prefix: groupPrefix.replaceAll(RANDOM_STRING_PLACEHOLDER, randomString()), // one per object
      deliveryStream: this.config.deliveryStreamName,
      version: this.config.version,
      oldestArrivalMs: Math.min(...objectRows.map((row) => row.record.arrivalMs)),
      extension: parquet ? '.parquet' : gzip ? '.json.gz' : '.json',
    });
    if ((await this.retrying(objectRows, () => this.store.put(objectName, body).then(() => true))) !== true)
      return;
    if (kind === 'error') this.metrics.errorObjectsWritten++;
    else {
      this.metrics.objectsWritten++;
      this.metrics.rowsWritten += objectRows.length;
    }
    this.metrics.bytesWritten += body.byteLength;
    for (const row of objectRows) this.progress.get(row.record.shardId)?.done(row.record.sequenceNumber);
    this.onObjectWritten({
      key: objectName,
      kind: kind === 'error' ? 'error' : 'data',
      rows: objectRows.map((row) => row.bytes),
      writtenAtMs: Date.now(),
    });
  }

  /**
   * Runs `attempt` until it succeeds. A rejection by the data is the conversion's to handle and never reaches
   * here; anything else is retried with backoff, and once the worker is stopping, given up after a few tries:
   * then undefined, and the rows stay not durable (their shards' checkpoints do not pass them).
   */
  private async retrying<T>(rows: readonly BufferedRow[], attempt: () => Promise<T>): Promise<T | undefined> {
    for (let failures = 1; ; failures++) {
      try {
        const result = await attempt();
        this.metrics.lastWriteError = undefined;
        return result;
      } catch (error) {
        this.metrics.writeRetries++;
        this.metrics.lastWriteError = (error instanceof Error ? error.message : String(error)).split('\n')[0];
        const stopping = this.stopController.signal.aborted;
        if (stopping && failures >= STOPPING_ATTEMPTS) {
          this.metrics.unwrittenAtStop += rows.length;
          return undefined;
        }
        await sleep(
          backoffDelayMs(failures, WRITE_BACKOFF) + WRITE_BACKOFF.baseDelayMs,
          this.stopController.signal,
        );
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
