import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KinesisEntry, planPutCalls } from './kinesis-writer.ts';

const entry = (partitionKey: string, bytes = 10): KinesisEntry => ({
  partitionKey,
  data: new Uint8Array(bytes),
});

describe('planPutCalls', () => {
  it('puts each key at most once per call, its records in later and later calls', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        (keys, max) => {
          const entries = keys.map((key) => entry(key));
          const calls = planPutCalls(entries, max);
          expect(calls.flat().sort((x, y) => x - y)).toEqual(keys.map((_, i) => i)); // every entry once
          const callOf = new Map<number, number>();
          calls.forEach((call, c) => {
            expect(call.length).toBeLessThanOrEqual(max);
            const callKeys = call.map((i) => keys[i]);
            expect(new Set(callKeys).size).toBe(callKeys.length);
            for (const i of call) callOf.set(i, c);
          });
          keys.forEach((key, i) => {
            const later = keys.findIndex((k, j) => j > i && k === key);
            if (later >= 0) expect(callOf.get(later)).toBeGreaterThan(callOf.get(i) as number);
          });
        },
      ),
    );
  });

  it('fills calls up to 500 entries and 5 MiB', () => {
    expect(
      planPutCalls(Array.from({ length: 1_200 }, (_, i) => entry(`k${i}`))).map((c) => c.length),
    ).toEqual([500, 500, 200]);
    const big = Array.from({ length: 12 }, (_, i) => entry(`k${i}`, 1024 * 1024));
    expect(planPutCalls(big).map((c) => c.length)).toEqual([4, 4, 4]); // 1 MiB records: a fifth would pass 5 MiB
  });
});
