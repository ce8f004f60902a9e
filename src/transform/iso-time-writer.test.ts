import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionDate } from '../catalog/lake-layout.ts';
import { ByteWriter } from './byte-writer.ts';
import { utcDate, writeIsoTime } from './iso-time-writer.ts';

const out = new ByteWriter(4);
function written(ms: number): string {
  out.length = 0;
  out.reserve(32);
  writeIsoTime(out, ms);
  return out.bytes.toString('latin1', 0, out.length);
}

const DAY_MS = 86_400_000;
/** The last creation time the row takes (creation-time.ts). */
const MAX_MS = Date.UTC(9999, 11, 31);

describe('the creation time as the fast path writes it', () => {
  it.each([
    ['the epoch', 0],
    ['the last millisecond of a day', 20_000 * DAY_MS - 1],
    ['the first of the next', 20_000 * DAY_MS],
    ['the turn of a year', Date.UTC(2027, 0, 1) - 1],
    ['the new year', Date.UTC(2027, 0, 1)],
    ['a leap day', Date.UTC(2028, 1, 29, 23, 59, 59, 999)],
    ['the day after a century’s missing leap day', Date.UTC(2100, 2, 1)],
    ['a leap day of a 400-year century', Date.UTC(2000, 1, 29, 12)],
    ['the year 5138 (1e11 seconds)', 1e14],
    ['the last time the row takes', MAX_MS],
    ['a time of day with every digit', Date.UTC(2026, 10, 22, 19, 48, 57, 306)],
  ])('writes %s as toISOString does, and its date as the partition key', (_label, ms) => {
    expect(written(ms)).toBe(new Date(ms).toISOString());
    expect(utcDate(ms)).toBe(partitionDate(ms));
  });

  it('matches toISOString for any time from 1970 to the year 9999, in any order of days', () => {
    const time = fc.oneof(
      fc.integer({ min: 0, max: MAX_MS }),
      // Near a day's edges, where the cached date must change.
      fc
        .tuple(fc.integer({ min: 0, max: Math.floor(MAX_MS / DAY_MS) - 1 }), fc.integer({ min: -2, max: 2 }))
        .map(([day, offset]) => Math.max(0, day * DAY_MS + offset)),
    );
    fc.assert(
      fc.property(fc.array(time, { minLength: 1, maxLength: 8 }), (times) => {
        for (const ms of times) {
          expect(written(ms)).toBe(new Date(ms).toISOString());
          expect(utcDate(ms)).toBe(partitionDate(ms));
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 3_000) },
    );
  });
});
