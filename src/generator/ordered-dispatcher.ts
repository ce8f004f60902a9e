import type { ChangeSink } from './change-sink.ts';
import { changeKey, type OrderChange } from './order.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface DispatchOptions {
  /** Pulls the next planned change. */
  readonly next: () => OrderChange;
  /** Stop after this many changes; unbounded when undefined. */
  readonly count: number | undefined;
  readonly sink: ChangeSink;
  readonly limiter: RateLimiter;
  /** Writes in flight at once. */
  readonly concurrency: number;
  /** Called once per change DynamoDB confirmed, in per-order order. */
  readonly onWritten: (change: OrderChange) => void;
  /** Called with the changes of a write that failed for good. */
  readonly onFailed?: (changes: readonly OrderChange[]) => void;
  /** Stops pulling new changes; everything already pulled is still written (a drain). */
  readonly signal?: AbortSignal;
}

/**
 * Feeds planned changes to the sink at the limiter's pace with up to `concurrency` writes in flight, while
 * keeping each order's changes in the order they were planned: a change waits while an earlier change of the
 * same order is in flight (including its retries), and a batch never holds two changes of one order
 * (BatchWriteItem rejects duplicate keys). So the table's stream shows each order's changes in plan order.
 * Resolves when every pulled change is written; rejects with the first write error after the rest finished.
 */
export async function dispatchOrdered(options: DispatchOptions): Promise<void> {
  const { sink, limiter, concurrency, signal } = options;
  const inFlight = new Map<string, Promise<void>>();
  const running = new Set<Promise<void>>();
  let pulled = 0;
  let held: OrderChange | undefined;
  let failure: { error: unknown } | undefined;
  const more = () => held !== undefined || options.count === undefined || pulled < options.count;

  const launch = (batch: OrderChange[]) => {
    const write: Promise<void> = sink
      .write(batch)
      .then(
        () => {
          for (const change of batch) options.onWritten(change);
        },
        (error: unknown) => {
          options.onFailed?.(batch);
          failure ??= { error };
        },
      )
      .finally(() => {
        for (const change of batch) inFlight.delete(changeKey(change));
        running.delete(write);
      });
    for (const change of batch) inFlight.set(changeKey(change), write);
    running.add(write);
  };

  while (more() && !failure) {
    if (signal?.aborted && held === undefined) break;
    while (running.size >= concurrency) await Promise.race(running);
    const remaining =
      options.count === undefined ? sink.maxBatchSize : options.count - pulled + (held ? 1 : 0);
    const tokens = signal?.aborted
      ? 1
      : await limiter.acquire(Math.min(sink.maxBatchSize, remaining), signal);
    if (tokens === 0) continue;
    const batch: OrderChange[] = [];
    const keys = new Set<string>();
    while (batch.length < tokens && more()) {
      const change = held ?? pull();
      held = undefined;
      const key = changeKey(change);
      if (keys.has(key) || inFlight.has(key)) {
        held = change;
        break;
      }
      batch.push(change);
      keys.add(key);
      if (signal?.aborted) break;
    }
    limiter.refund(tokens - batch.length);
    if (batch.length > 0) launch(batch);
    else if (held) await inFlight.get(changeKey(held));
  }
  await Promise.all(running);
  if (failure) throw failure.error;

  function pull(): OrderChange {
    pulled++;
    return options.next();
  }
}
