import type { OrderChange } from './order.ts';

/**
 * Writes changes to the orders table. The dispatcher hands it at most `maxBatchSize` changes, each on a
 * different order, none of them on an order with a write still in flight. `write` resolves once DynamoDB has
 * applied every change (after any retries), or rejects with the error that made it give up. It finishes
 * what it was given even while the run is being stopped: a drain must not lose changes already planned.
 */
export interface ChangeSink {
  readonly maxBatchSize: number;
  write(changes: readonly OrderChange[]): Promise<void>;
}
