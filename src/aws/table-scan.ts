import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { PipelineError } from '../errors/pipeline-error.ts';
import { type RetryPolicy, withRetries } from './aws-retry.ts';
import {
  type BackoffPolicy,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  isRetryableAwsError,
  sleep,
} from './backoff.ts';

export type Item = Record<string, AttributeValue>;

/** The three DynamoDB calls a table check makes; a `DynamoDBClient` fits, and so does a scripted one in tests. */
export interface DynamoDbReadApi {
  send(command: ScanCommand): Promise<ScanCommandOutput>;
  send(command: BatchGetItemCommand): Promise<BatchGetItemCommandOutput>;
  send(command: DescribeTableCommand): Promise<DescribeTableCommandOutput>;
}

export interface ScanProgress {
  readonly items: number;
  /** DynamoDB's item count for the table (refreshed by DynamoDB about every six hours); undefined if unknown. */
  readonly estimatedItems: number | undefined;
  /** Read capacity units consumed so far (what an on-demand table bills, as read request units). */
  readonly readUnits: number;
  readonly segmentsDone: number;
  readonly segments: number;
}

/** Retries (throttling, 5xx) follow `RetryPolicy`; its `sleep` also paces the read-unit budget. */
export interface TableReadOptions extends RetryPolicy {
  /** Parallel Scan segments (Segment/TotalSegments), each read by its own worker. @default 4 */
  readonly segments?: number;
  /**
   * The most read capacity units per second the scan may consume, averaged from its start: so a check never
   * starves the pipeline's own writers and readers of a provisioned table, nor runs up an on-demand bill
   * faster than this. @default 500
   */
  readonly maxReadUnitsPerSecond?: number;
  readonly onProgress?: (progress: ScanProgress) => void;
  /** The clock of the budget: tests pass a fake. */
  readonly now?: () => number;
}

/** A table read was aborted, or BatchGetItem kept leaving keys unprocessed (a call that fails is an AwsRequestError). */
export class TableReadError extends PipelineError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('aws', code, message, options);
  }
}

/** BatchGetItem takes at most 100 keys per call. */
const BATCH_GET_KEYS = 100;

/**
 * Reads a table with strongly consistent reads: `scan` in parallel segments under a read-unit budget, `get` a
 * set of keys in batches. Every call is retried with the repository's full-jitter backoff when throttled or
 * 5xx; BatchGetItem's unprocessed keys are asked for again the same way.
 */
export class TableReader {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(
    private readonly client: DynamoDbReadApi,
    private readonly tableName: string,
    private readonly options: TableReadOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? sleep;
  }

  /** Every item, handed to `onItem` as its page arrives; returns the read units consumed. */
  async scan(onItem: (item: Item) => void): Promise<{ items: number; readUnits: number }> {
    const { segments = 4, maxReadUnitsPerSecond = 500, onProgress } = this.options;
    if (!Number.isInteger(segments) || segments < 1 || segments > 1_000_000)
      throw new RangeError(`segments must be a whole number from 1 to 1,000,000, got ${segments}`);
    if (!(maxReadUnitsPerSecond > 0))
      throw new RangeError(`maxReadUnitsPerSecond must be positive, got ${maxReadUnitsPerSecond}`);
    const estimatedItems = await this.estimatedItems();
    const startedAt = this.now();
    let items = 0;
    let readUnits = 0;
    let segmentsDone = 0;
    const report = () => onProgress?.({ items, estimatedItems, readUnits, segmentsDone, segments });
    const readSegment = async (segment: number) => {
      let ExclusiveStartKey: Item | undefined;
      do {
        // The budget: units spent so far may not run ahead of the rate times the time since the start.
        const aheadMs = (readUnits / maxReadUnitsPerSecond) * 1000 - (this.now() - startedAt);
        if (aheadMs > 0) await this.sleep(aheadMs, this.options.signal);
        const page = await this.call('Scan', () =>
          this.client.send(
            new ScanCommand({
              TableName: this.tableName,
              Segment: segment,
              TotalSegments: segments,
              ExclusiveStartKey,
              ConsistentRead: true,
              ReturnConsumedCapacity: 'TOTAL',
            }),
          ),
        );
        readUnits += page.ConsumedCapacity?.CapacityUnits ?? 0;
        for (const item of page.Items ?? []) onItem(item);
        items += page.Items?.length ?? 0;
        ExclusiveStartKey = page.LastEvaluatedKey;
        report();
      } while (ExclusiveStartKey);
      segmentsDone += 1;
      report();
    };
    await Promise.all(Array.from({ length: segments }, (_, segment) => readSegment(segment)));
    return { items, readUnits };
  }

  /** The items of these keys that exist (consistent reads); a key whose item is gone is simply absent. */
  async get(keys: readonly Item[]): Promise<Item[]> {
    const found: Item[] = [];
    for (let start = 0; start < keys.length; start += BATCH_GET_KEYS) {
      let pending: Item[] = keys.slice(start, start + BATCH_GET_KEYS);
      for (let round = 1; pending.length > 0; round++) {
        if (round > (this.options.maxAttempts ?? 8))
          throw new TableReadError(
            'TABLE_READ_UNPROCESSED',
            `DynamoDB left ${pending.length} keys of table ${this.tableName} unprocessed after ${round - 1} ` +
              'BatchGetItem calls (throttled): try again later, or give the table more read capacity.',
          );
        if (round > 1) await this.sleep(backoffDelayMs(round - 1, this.backoff), this.options.signal);
        const answer = await this.call('BatchGetItem', () =>
          this.client.send(
            new BatchGetItemCommand({
              RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
            }),
          ),
        );
        found.push(...(answer.Responses?.[this.tableName] ?? []));
        pending = answer.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  private get backoff(): BackoffPolicy {
    return this.options.backoff ?? DEFAULT_BACKOFF;
  }

  private async estimatedItems(): Promise<number | undefined> {
    const described = await this.call('DescribeTable', () =>
      this.client.send(new DescribeTableCommand({ TableName: this.tableName })),
    );
    return described.Table?.ItemCount;
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    if (this.options.signal?.aborted)
      throw new TableReadError('TABLE_READ_ABORTED', `Reading table ${this.tableName} was aborted.`);
    return withRetries(
      `DynamoDB ${what} on table ${this.tableName}`,
      send,
      { ...this.options, sleep: this.sleep },
      (error) =>
        isRetryableAwsError(error)
          ? 'Try again later, or lower --max-read-units.'
          : 'Check the table name (--table, or the stack outputs) and that your credentials may read it.',
    );
  }
}
