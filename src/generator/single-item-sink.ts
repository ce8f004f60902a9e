import { DeleteItemCommand, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
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

export interface SingleItemSinkOptions {
  readonly tableName: string;
  readonly stats: WriteStats;
  /** Retries after the SDK's own, for throttling and server errors. */
  readonly maxRetries?: number;
  readonly backoff?: BackoffPolicy;
}

/** One PutItem (insert, update) or DeleteItem per change: the sequential mode, as the original tutorial wrote. */
export class SingleItemSink implements ChangeSink {
  readonly maxBatchSize = 1;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: SingleItemSinkOptions,
  ) {}

  async write(changes: readonly OrderChange[]): Promise<void> {
    for (const change of changes) await this.writeOne(change);
  }

  private async writeOne(change: OrderChange): Promise<void> {
    const { tableName, stats, maxRetries = 8, backoff = DEFAULT_BACKOFF } = this.options;
    const send = () =>
      change.kind === 'delete'
        ? this.client.send(
            new DeleteItemCommand({ TableName: tableName, Key: orderKey(change.previous.orderid) }),
          )
        : this.client.send(new PutItemCommand({ TableName: tableName, Item: orderToItem(change.order) }));
    for (let attempt = 1; ; attempt++) {
      try {
        await send();
        return;
      } catch (error) {
        if (!isRetryableAwsError(error) || attempt > maxRetries) {
          throw new OrderWriteError(
            tableName,
            `${(error as Error).name}: ${(error as Error).message}`,
            error,
          );
        }
        stats.retries++;
        if ((error as Error).name.includes('Throughput') || (error as Error).name.includes('Throttl'))
          stats.throttled++;
        await sleep(backoffDelayMs(attempt, backoff));
      }
    }
  }
}
