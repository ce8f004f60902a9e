import { describe, expect, it } from 'vitest';
import { ChangePlanner } from './change-planner.ts';
import type { ChangeSink } from './change-sink.ts';
import { changeKey, type OrderChange } from './order.ts';
import { dispatchOrdered } from './ordered-dispatcher.ts';
import { RateLimiter } from './rate-limiter.ts';

/** A sink that completes writes in a scrambled order and records what it saw. */
class RecordingSink implements ChangeSink {
  readonly batches: OrderChange[][] = [];
  readonly applied: OrderChange[] = [];
  inFlight = new Set<string>();
  maxInFlightBatches = 0;
  private running = 0;
  private call = 0;

  constructor(
    readonly maxBatchSize: number,
    private readonly failOnCall?: number,
  ) {}

  async write(changes: readonly OrderChange[]): Promise<void> {
    const call = ++this.call;
    this.batches.push([...changes]);
    for (const change of changes) {
      expect(this.inFlight.has(changeKey(change)), 'a key was written while in flight').toBe(false);
      this.inFlight.add(changeKey(change));
    }
    this.running++;
    this.maxInFlightBatches = Math.max(this.maxInFlightBatches, this.running);
    await new Promise((resolve) => setTimeout(resolve, (call * 7) % 5));
    this.running--;
    for (const change of changes) this.inFlight.delete(changeKey(change));
    if (call === this.failOnCall) throw new Error('write refused');
    this.applied.push(...changes);
  }
}

function planner(seed: string) {
  const p = new ChangePlanner({ seed, mix: { insert: 30, update: 55, delete: 15 } });
  const planned: OrderChange[] = [];
  return {
    planned,
    next: () => {
      const change = p.next();
      planned.push(change);
      return change;
    },
  };
}

const perKey = (changes: readonly OrderChange[]) => {
  const byKey = new Map<string, OrderChange[]>();
  for (const change of changes)
    byKey.set(changeKey(change), [...(byKey.get(changeKey(change)) ?? []), change]);
  return byKey;
};

describe('dispatchOrdered', () => {
  it('writes every planned change once, in plan order per order, with distinct keys per batch', async () => {
    const sink = new RecordingSink(25);
    const source = planner('dispatch');
    const written: OrderChange[] = [];
    await dispatchOrdered({
      next: source.next,
      count: 3_000,
      sink,
      limiter: new RateLimiter(Number.POSITIVE_INFINITY, 100),
      concurrency: 4,
      onWritten: (change) => written.push(change),
    });
    expect(source.planned).toHaveLength(3_000);
    expect(written).toHaveLength(3_000);
    expect(perKey(written)).toEqual(perKey(source.planned));
    for (const batch of sink.batches) expect(new Set(batch.map(changeKey)).size).toBe(batch.length);
    expect(sink.maxInFlightBatches).toBeLessThanOrEqual(4);
    expect(sink.maxInFlightBatches).toBeGreaterThan(1);
  });

  it('drains what it pulled when aborted, and pulls nothing more', async () => {
    const sink = new RecordingSink(25);
    const source = planner('abort');
    const controller = new AbortController();
    const written: OrderChange[] = [];
    await dispatchOrdered({
      next: source.next,
      count: undefined,
      sink,
      limiter: new RateLimiter(Number.POSITIVE_INFINITY, 100),
      concurrency: 3,
      signal: controller.signal,
      onWritten: (change) => {
        written.push(change);
        if (written.length >= 500) controller.abort();
      },
    });
    expect(written.length).toBeGreaterThanOrEqual(500);
    expect(written).toHaveLength(source.planned.length);
    expect(perKey(written)).toEqual(perKey(source.planned));
  });

  it('stops at a write failure, finishes the writes in flight and reports the failed changes', async () => {
    const sink = new RecordingSink(25, 5);
    const source = planner('fail');
    const failed: OrderChange[] = [];
    const written: OrderChange[] = [];
    await expect(
      dispatchOrdered({
        next: source.next,
        count: 10_000,
        sink,
        limiter: new RateLimiter(Number.POSITIVE_INFINITY, 100),
        concurrency: 4,
        onWritten: (change) => written.push(change),
        onFailed: (changes) => failed.push(...changes),
      }),
    ).rejects.toThrow('write refused');
    expect(failed.length).toBeGreaterThan(0);
    expect(written.length + failed.length).toBeLessThanOrEqual(source.planned.length);
    expect(written.length + failed.length).toBeGreaterThanOrEqual(source.planned.length - 1);
  });
});
