import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShardProgress } from './shard-progress.ts';

describe('ShardProgress', () => {
  it('moves the checkpoint only over records that are all durable, whatever order they finish in', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3_000 }).chain((n) =>
          fc.shuffledSubarray(
            Array.from({ length: n }, (_, i) => i),
            { minLength: n, maxLength: n },
          ),
        ),
        (order) => {
          const progress = new ShardProgress('start');
          const sequence = (i: number) => String(1_000_000 + i);
          for (let i = 0; i < order.length; i++) progress.read(sequence(i), 5_000 + i);
          const finished = new Set<number>();
          for (const i of order) {
            progress.done(sequence(i));
            finished.add(i);
            let prefix = 0;
            while (finished.has(prefix)) prefix++;
            expect(progress.checkpoint).toBe(prefix === 0 ? 'start' : sequence(prefix - 1));
            expect(progress.inFlight).toBe(order.length - prefix);
            // The oldest record not yet durable is the first after the checkpoint (for DataFreshness).
            expect(progress.oldestInFlightArrivalMs).toBe(prefix < order.length ? 5_000 + prefix : undefined);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
