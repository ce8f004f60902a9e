import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { canonicalItem } from '../aws/canonical-item.ts';
import { describeTable } from '../aws/orders-table.ts';
import { BatchWriteSink } from './batch-write-sink.ts';
import { ChangePlanner } from './change-planner.ts';
import type { ChangeSink } from './change-sink.ts';
import { AUTO_BATCH_ABOVE_RATE, type GeneratorConfig, GeneratorConfigSchema } from './generator-config.ts';
import { type Order, type OrderChange, orderToItem } from './order.ts';
import { dispatchOrdered } from './ordered-dispatcher.ts';
import { RateLimiter } from './rate-limiter.ts';
import { SingleItemSink } from './single-item-sink.ts';
import { newWriteStats, totalWritten, type WriteStats } from './write-stats.ts';

export interface GeneratorProgress {
  readonly stats: WriteStats;
  readonly elapsedMs: number;
}

export interface GeneratorRun {
  readonly seed: string | number;
  readonly writeMode: 'single' | 'batch';
  readonly stats: WriteStats;
  readonly elapsedMs: number;
  /** Changes written per second over the run. */
  readonly achievedRate: number;
  /** True when the run was stopped by the signal before reaching `count`. */
  readonly interrupted: boolean;
  /** The error that stopped the run, if any; everything before it was written. */
  readonly error?: unknown;
  /**
   * What this run's changes leave in the table, keyed by orderid, as canonical DynamoDB items (see canonicalItem)
   * — built only from changes DynamoDB confirmed. On a table this run had to itself, a full Scan must equal it.
   */
  expectedItems(): Map<string, Record<string, AttributeValue>>;
}

export interface GenerateDependencies {
  readonly dynamodb: DynamoDBClient;
  readonly signal?: AbortSignal;
  /** Called after each confirmed change; cheap, so callers throttle their own display. */
  readonly onProgress?: (progress: GeneratorProgress) => void;
  /** Called with each change DynamoDB confirmed, as it is confirmed (e.g. to time it through the pipeline). */
  readonly onWritten?: (change: OrderChange) => void;
  /** Injectable clock for item timestamps (tests fix it to make items deterministic). */
  readonly clock?: () => number;
}

/**
 * Writes a seeded stream of order changes to the orders table: the library face of `gadget-cdc generate`.
 * Checks the table first, then paces, batches and retries as configured. Never throws for a write failure
 * after start: the run stops and reports it in `error`, with everything confirmed before it accounted for.
 */
export async function generateOrders(
  input: Partial<GeneratorConfig>,
  deps: GenerateDependencies,
): Promise<GeneratorRun> {
  const config = GeneratorConfigSchema.parse(input);
  await describeTable(deps.dynamodb, config.tableName);
  const seed = config.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rate = config.ratePerSecond === 'max' ? Number.POSITIVE_INFINITY : config.ratePerSecond;
  const writeMode =
    config.writeMode === 'auto' ? (rate > AUTO_BATCH_ABOVE_RATE ? 'batch' : 'single') : config.writeMode;
  const stats = newWriteStats();
  const sink: ChangeSink =
    writeMode === 'batch'
      ? new BatchWriteSink(deps.dynamodb, { tableName: config.tableName, stats })
      : new SingleItemSink(deps.dynamodb, { tableName: config.tableName, stats });
  // Tokens accrue while writes are in flight; a bucket of one batch per writer (or 0.1 s of rate) keeps the pace.
  const concurrency = writeMode === 'batch' ? config.concurrency : 1;
  const planner = new ChangePlanner({ seed, mix: config.mix, ...(deps.clock ? { clock: deps.clock } : {}) });
  const written = new Map<string, Order>();
  const started = performance.now();

  let error: unknown;
  try {
    await dispatchOrdered({
      next: () => planner.next(),
      count: config.count,
      sink,
      limiter: new RateLimiter(rate, Math.max(sink.maxBatchSize * concurrency, Math.ceil(rate / 10))),
      concurrency,
      signal: deps.signal,
      onWritten(change: OrderChange) {
        if (change.kind === 'delete') written.delete(change.previous.orderid);
        else written.set(change.order.orderid, change.order);
        stats.written[change.kind]++;
        deps.onWritten?.(change);
        deps.onProgress?.({ stats, elapsedMs: performance.now() - started });
      },
      onFailed(changes) {
        stats.failed += changes.length;
      },
    });
  } catch (caught) {
    error = caught;
  }
  const elapsedMs = performance.now() - started;
  return {
    seed,
    writeMode,
    stats,
    elapsedMs,
    achievedRate: totalWritten(stats) / Math.max(elapsedMs / 1000, 1e-9),
    interrupted:
      deps.signal?.aborted === true && (config.count === undefined || totalWritten(stats) < config.count),
    ...(error === undefined ? {} : { error }),
    expectedItems: () => new Map([...written].map(([id, order]) => [id, canonicalItem(orderToItem(order))])),
  };
}
