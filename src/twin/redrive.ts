import { gunzipSync, gzipSync } from 'node:zlib';
import { ERRORS_PREFIX, partitionPrefix, TABLE_NAME } from '../catalog/lake-layout.ts';
import { ERROR_CODES, errorRecordLine, formatConversionErrorLine } from '../delivery/error-record.ts';
import { convertToParquet } from '../delivery/record-format-conversion.ts';
import { invokeTransform, type SourceRecord, type TransformHandler } from '../delivery/transform-invoker.ts';
import { PipelineError } from '../errors/pipeline-error.ts';
import { objectKey } from '../lake/object-name.ts';
import type { ObjectStore } from '../lake/object-store.ts';
import { ParquetEncoder } from '../lake/parquet-encoder.ts';

/** One error object's outcome. */
export interface RedriveProgress {
  readonly key: string;
  /** Its records that now landed in the lake (moved out of errors/). */
  readonly landed: number;
  /** Its records that still fail: left in errors/, under the same key. */
  readonly stillFailing: number;
  readonly done: number;
  readonly total: number;
}

export interface RedriveResult {
  readonly objects: number;
  readonly landed: number;
  readonly stillFailing: number;
  /** Data objects written to the lake. */
  readonly written: readonly string[];
}

/** An error object that is not Firehose's JSON lines: redrive leaves it and says which. */
export class UnreadableErrorObjectError extends PipelineError {
  constructor(key: string, cause: unknown) {
    super(
      'delivery',
      'UNREADABLE_ERROR_OBJECT',
      `Error object ${key} is not Firehose's error records (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'Move it out of errors/ and run redrive again.',
      { cause },
    );
  }
}

interface ErrorLine {
  readonly attemptsMade?: number;
  readonly arrivalTimestamp: number;
  readonly lambdaArn?: string;
  readonly rawData: string;
  /** Processing failures (the transform's): rawData is the source record. */
  readonly errorCode?: string;
  /** Format conversion failures: rawData is the row the transform made. */
  readonly ErrorCode?: string;
  readonly sequenceNumber?: string;
}

/**
 * Sends the records under `errors/` back: processing failures through the transform as it is now (after a
 * fix), format conversion failures through the conversion again; every row that lands is written to the lake
 * first, then its error object is rewritten under the same key with only the records that still fail (or
 * deleted). One object at a time, each step atomic, so a redrive cut short goes on where it stopped when run
 * again; a crash between the two steps at worst lands a row twice (harmless: views dedupe on event_id).
 */
export async function redriveErrors(options: {
  readonly lake: ObjectStore;
  readonly transform: TransformHandler;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RedriveProgress) => void;
}): Promise<RedriveResult> {
  const { lake } = options;
  const keys = (await lake.list(ERRORS_PREFIX)).map((object) => object.key);
  const encoder = await ParquetEncoder.create();
  const written: string[] = [];
  let landed = 0;
  let stillFailing = 0;
  let done = 0;
  try {
    for (const key of keys) {
      if (options.signal?.aborted) break;
      const outcome = await redriveObject(key, lake, options.transform, encoder);
      written.push(...outcome.written);
      landed += outcome.landed;
      stillFailing += outcome.stillFailing;
      done++;
      options.onProgress?.({ key, ...outcome, done, total: keys.length });
    }
  } finally {
    await encoder.close();
  }
  return { objects: done, landed, stillFailing, written };
}

async function redriveObject(
  key: string,
  lake: ObjectStore,
  transform: TransformHandler,
  encoder: ParquetEncoder,
) {
  const gzip = key.endsWith('.gz');
  let lines: ErrorLine[];
  try {
    const body = Buffer.from(await lake.get(key));
    lines = (gzip ? gunzipSync(body) : body)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ErrorLine);
    if (lines.some((line) => typeof line.rawData !== 'string')) throw new Error('a line has no rawData');
  } catch (error) {
    throw new UnreadableErrorObjectError(key, error);
  }
  const now = Date.now();
  const remaining: string[] = [];
  // Rows to land, by dt; each with the error line it came from, for the rows the conversion still rejects.
  const rows: Array<{ dt: string; bytes: Buffer; line: ErrorLine }> = [];

  const sources = lines.filter((line) => line.ErrorCode === undefined);
  const outcomes =
    sources.length === 0
      ? []
      : await invokeTransform(
          transform,
          sources.map((line, i) => sourceRecord(line, i)),
          { deliveryStreamArn: 'redrive', sourceStreamArn: 'redrive', region: 'local', retries: 3 },
        );
  for (const [i, outcome] of outcomes.entries()) {
    const line = sources[i] as ErrorLine;
    if (outcome.result === 'Ok' && outcome.partitionKeys.dt)
      rows.push({ dt: outcome.partitionKeys.dt, bytes: outcome.data, line });
    else if (outcome.result !== 'Dropped') {
      const reason = outcome.result === 'Ok' ? 'no dt partition key' : outcome.errorMessage;
      remaining.push(processingFailedLine(line, reason, now));
    }
  }
  for (const line of lines.filter((l) => l.ErrorCode !== undefined)) {
    const bytes = Buffer.from(line.rawData, 'base64');
    const dt = /"creation_datetime":"(\d{4}-\d{2}-\d{2})/.exec(bytes.toString('utf8'))?.[1];
    if (dt) rows.push({ dt, bytes, line });
    else
      remaining.push(conversionFailedLine(line, 'the row has no creation_datetime to partition it by', now));
  }

  const written: string[] = [];
  let landed = 0;
  for (const dt of new Set(rows.map((row) => row.dt))) {
    const partition = rows.filter((row) => row.dt === dt);
    const conversion = await convertToParquet(
      partition,
      (row) => row.bytes,
      (jsonLines) => encoder.encode(jsonLines),
    );
    for (const { row, reason } of conversion.failed)
      remaining.push(conversionFailedLine(row.line, reason, now));
    if (conversion.body === undefined) continue;
    const objectName = objectKey({
      prefix: partitionPrefix(dt),
      deliveryStream: 'redrive',
      version: 1,
      oldestArrivalMs: Math.min(...conversion.converted.map((row) => row.line.arrivalTimestamp)),
      extension: '.parquet',
    });
    await lake.put(objectName, conversion.body);
    written.push(objectName);
    landed += conversion.converted.length;
  }
  if (remaining.length === 0) await lake.delete([key]);
  else if (landed > 0) {
    const body = Buffer.from(remaining.join(''), 'utf8');
    await lake.put(key, gzip ? gzipSync(body) : body);
  }
  return { landed, stillFailing: remaining.length, written };
}

function sourceRecord(line: ErrorLine, index: number): SourceRecord {
  return {
    shardId: 'redrive',
    sequenceNumber: String(index),
    partitionKey: '',
    arrivalMs: line.arrivalTimestamp,
    data: Buffer.from(line.rawData, 'base64'),
  };
}

function processingFailedLine(line: ErrorLine, reason: string, now: number): string {
  return errorRecordLine({
    attemptsMade: (line.attemptsMade ?? 1) + 1,
    arrivalTimestamp: line.arrivalTimestamp,
    errorCode: line.errorCode ?? ERROR_CODES.processingFailed,
    errorMessage: reason,
    attemptEndingTimestamp: now,
    rawData: line.rawData,
    lambdaArn: line.lambdaArn ?? '',
  });
}

function conversionFailedLine(line: ErrorLine, reason: string, now: number): string {
  return formatConversionErrorLine({
    attemptsMade: (line.attemptsMade ?? 1) + 1,
    arrivalTimestamp: line.arrivalTimestamp,
    errorCode: ERROR_CODES.malformedData,
    errorMessage: reason,
    attemptEndingTimestamp: now,
    rawData: line.rawData,
    sequenceNumber: line.sequenceNumber ?? '',
    subSequenceNumber: 0,
    dataCatalogTable: { databaseName: 'local', tableName: TABLE_NAME, region: 'local' },
  });
}
