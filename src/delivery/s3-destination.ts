import { gzipSync } from 'node:zlib';
import { backoffDelayMs, sleep } from '../aws/backoff.ts';
import { TABLE_NAME } from '../catalog/lake-layout.ts';
import { objectKey } from '../lake/object-name.ts';
import type { ObjectStore } from '../lake/object-store.ts';
import { ParquetEncoder } from '../lake/parquet-encoder.ts';
import { HintedBuffer } from './buffer.ts';
import type { DeliveryConfig } from './delivery-config.ts';
import type { DeliveryMetrics, WrittenObject } from './delivery-metrics.ts';
import { ERROR_CODES, errorRecordLine, formatConversionErrorLine } from './error-record.ts';
import { convertToParquet, type ParquetConversion } from './record-format-conversion.ts';
import {
  compilePrefix,
  MissingPartitionKeyError,
  RANDOM_STRING_PLACEHOLDER,
  randomString,
  type S3Prefix,
} from './s3-prefix.ts';
import type { RecordOutcome, SourceRecord } from './transform-invoker.ts';

/** The objects a row goes to: the data prefix or the error prefix, evaluated for the row. */
export interface ObjectGroup {
  readonly kind: 'data' | 'error';
  /** The evaluated prefix, `!{firehose:random-string}` still a placeholder (drawn once per object). */
  readonly prefix: string;
}

/** The key of a group's partition buffer: one per kind and evaluated prefix. */
function groupId(group: ObjectGroup): string {
  return `${group.kind}:${group.prefix}`;
}

interface BufferedRow {
  readonly record: SourceRecord;
  readonly bytes: Uint8Array;
}

interface Partition {
  readonly group: ObjectGroup;
  readonly rows: HintedBuffer<BufferedRow>;
}

/** What the destination tells the delivery once an object is durable. */
export interface DestinationEvents {
  /** These records are durable (their object is written): their shards' checkpoints may pass them. */
  durable(records: readonly SourceRecord[]): void;
  objectWritten(object: WrittenObject): void;
}

/**
 * Pacing of the retries of an object that cannot be converted or written (the disk is full, say). Like
 * Firehose, the destination retries until it succeeds, holding later objects back; once stopping, it gives up
 * after STOPPING_ATTEMPTS and leaves those records not durable, so the next start reads and retries them.
 */
const WRITE_BACKOFF = { baseDelayMs: 100, maxDelayMs: 5_000 };
const STOPPING_ATTEMPTS = 3;

/**
 * Firehose's S3 destination: routes each transformed record to its object group (the data prefix with the
 * transform's partition keys, or the error prefix as Firehose's error record), buffers each group
 * (destination hints), converts data objects to Parquet (rows the schema rejects go to the error prefix) or
 * writes JSON lines (optionally gzip), names each object as Firehose does and puts it in the store.
 */
export class S3Destination {
  private readonly dataPrefix: S3Prefix;
  private readonly errorPrefix: S3Prefix;
  private readonly partitions = new Map<string, Partition>();
  /** Objects whose size hint was met while routing, waiting to be written. */
  private ready: Array<{ group: ObjectGroup; rows: BufferedRow[] }> = [];
  private encoder: Promise<ParquetEncoder> | undefined;

  constructor(
    private readonly store: Pick<ObjectStore, 'put'>,
    private readonly config: DeliveryConfig,
    private readonly metrics: DeliveryMetrics,
    /** Aborted once the delivery stops: failing writes are then given up after a few attempts. */
    private readonly stopping: AbortSignal,
    private readonly events: DestinationEvents,
  ) {
    this.dataPrefix = compilePrefix(config.prefix, 'data');
    this.errorPrefix = compilePrefix(config.errorOutputPrefix, 'error');
  }

  /** Buffers an Ok or failed record for its object (a dropped record never reaches the destination). */
  route(outcome: Exclude<RecordOutcome, { result: 'Dropped' }>, now: number): void {
    const { record } = outcome;
    if (outcome.result === 'Ok') {
      try {
        const prefix = this.dataPrefix.evaluate({
          arrivalMs: record.arrivalMs,
          partitionKeys: outcome.partitionKeys,
          randomString: RANDOM_STRING_PLACEHOLDER,
        });
        this.metrics.ok++;
        this.buffer({ kind: 'data', prefix }, { record, bytes: outcome.data }, now);
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

  /** Writes the objects whose size hint was met while routing. */
  async writeReady(): Promise<void> {
    for (const { group, rows } of this.ready.splice(0)) await this.write(group, rows);
  }

  /** Writes every partition whose hint is met (every non-empty one when `final`), then what that made ready. */
  async writeDue(now: number, final: boolean): Promise<void> {
    for (const { group, rows } of this.partitions.values()) {
      if (rows.isDue(now) || (final && rows.size > 0)) await this.write(group, rows.take());
    }
    // Error objects cut at their size hint while the others were written (rows the conversion rejected).
    await this.writeReady();
  }

  /** When the next partition's interval hint is met (Infinity when nothing is buffered). */
  dueAt(): number {
    return Math.min(...[...this.partitions.values()].map(({ rows }) => rows.dueAt()));
  }

  async close(): Promise<void> {
    await (await this.encoder)?.close();
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
    this.buffer({ kind: 'error', prefix }, { record, bytes: Buffer.from(line, 'utf8') }, now);
  }

  private buffer(group: ObjectGroup, row: BufferedRow, now: number): void {
    const id = groupId(group);
    let partition = this.partitions.get(id);
    if (!partition) {
      partition = { group, rows: new HintedBuffer(this.config.destinationBuffer) };
      this.partitions.set(id, partition);
    }
    partition.rows.add(row, row.bytes.byteLength, now);
    // Cut the object at the size hint, as Firehose does, even inside one large processor batch.
    if (partition.rows.byteSize >= this.config.destinationBuffer.sizeBytes)
      this.ready.push({ group, rows: partition.rows.take() });
  }

  /**
   * Writes one object of buffered rows, then reports its records durable. Rows the Parquet conversion rejects
   * go to the error prefix instead (and are durable when their error object is written). A conversion or
   * write that fails for another reason is retried; see WRITE_BACKOFF.
   */
  private async write(group: ObjectGroup, rows: BufferedRow[]): Promise<void> {
    const parquet = group.kind === 'data' && this.config.format === 'PARQUET';
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
    const id = groupId(group);
    if (this.partitions.get(id)?.rows.size === 0) this.partitions.delete(id);
    if (object === undefined) return;
    const now = Date.now();
    for (const { row, reason } of object.failed) this.routeConversionFailure(row, reason, now);
    const { body, converted } = object;
    if (body === undefined) return; // every row went to the error prefix
    const key = objectKey({
      prefix: group.prefix.replaceAll(RANDOM_STRING_PLACEHOLDER, randomString()), // one per object
      deliveryStream: this.config.deliveryStreamName,
      version: this.config.version,
      oldestArrivalMs: Math.min(...converted.map((row) => row.record.arrivalMs)),
      extension: parquet ? '.parquet' : gzip ? '.json.gz' : '.json',
    });
    if ((await this.retrying(converted, () => this.store.put(key, body).then(() => true))) !== true) return;
    if (group.kind === 'error') this.metrics.errorObjectsWritten++;
    else {
      this.metrics.objectsWritten++;
      this.metrics.rowsWritten += converted.length;
    }
    this.metrics.bytesWritten += body.byteLength;
    this.events.durable(converted.map((row) => row.record));
    this.events.objectWritten({
      key,
      kind: group.kind,
      rows: converted.map((row) => row.bytes),
      writtenAtMs: Date.now(),
    });
  }

  /**
   * Runs `attempt` until it succeeds. A rejection by the data is the conversion's to handle and never reaches
   * here; anything else is retried with backoff, and once the delivery is stopping, given up after a few tries:
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
        if (this.stopping.aborted && failures >= STOPPING_ATTEMPTS) {
          this.metrics.unwrittenAtStop += rows.length;
          return undefined;
        }
        await sleep(backoffDelayMs(failures, WRITE_BACKOFF) + WRITE_BACKOFF.baseDelayMs, this.stopping);
      }
    }
  }
}
