import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import {
  type BackoffPolicy,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  isRetryableAwsError,
  sleep,
} from '../aws/backoff.ts';
import type { ChangeSink } from './change-sink.ts';
import { type OrderChange, orderKey, orderToItem } from './order.ts';
import { OrderWriteError } from './write-errors.ts';
import type { WriteStats } from './write-stats.ts';

export interface BatchWriteSinkOptions {
  readonly tableName: string;
  readonly stats: WriteStats;
  /** Rounds of retries for unprocessed items or a failed request before giving up. */
  readonly maxRetries?: number;
  readonly backoff?: BackoffPolicy;
}

/** BatchWriteItem's limit. */
export const MAX_BATCH_WRITE_ITEMS = 25;

/**
 * Up to 25 changes per BatchWriteItem: inserts and updates as PutRequest (a put over an existing item is a
 * MODIFY in the stream), deletes as DeleteRequest. UnprocessedItems — DynamoDB's partial success under load —
 * are sent again with jittered backoff until none remain; nothing is silently skipped.
 */
export class BatchWriteSink implements ChangeSink {
  readonly maxBatchSize = MAX_BATCH_WRITE_ITEMS;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: BatchWriteSinkOptions,
  ) {}

  async write(changes: readonly OrderChange[]): Promise<void> {
    const { tableName, stats, maxRetries = 12, backoff = DEFAULT_BACKOFF } = this.options;
    let pending: WriteRequest[] = changes.map(toWriteRequest);
    for (let attempt = 1; pending.length > 0; attempt++) {
      try {
        const result = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
        );
        const unprocessed = result.UnprocessedItems?.[tableName] ?? [];
        if (unprocessed.length === 0) return;
        stats.retries += unprocessed.length;
        stats.throttled += unprocessed.length;
        pending = unprocessed;
      } catch (error) {
        if (!isRetryableAwsError(error)) {
          throw new OrderWriteError(
            tableName,
            `${(error as Error).name}: ${(error as Error).message}`,
            error,
          );
        }
        stats.retries += pending.length;
      }
      if (attempt > maxRetries) {
        throw new OrderWriteError(
          tableName,
          `${pending.length} item(s) still unprocessed after ${maxRetries} retries`,
        );
      }
      await sleep(backoffDelayMs(attempt, backoff));
    }
  }
}

function toWriteRequest(change: OrderChange): WriteRequest {
  return change.kind === 'delete'
    ? { DeleteRequest: { Key: orderKey(change.previous.orderid) } }
    : { PutRequest: { Item: orderToItem(change.order) } };
}
