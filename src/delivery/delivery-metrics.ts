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
