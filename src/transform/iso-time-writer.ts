import { asciiBytes, type ByteWriter } from './byte-writer.ts';

const DAY_MS = 86_400_000;

/**
 * The UTC day of the last time written, its date both ways. A batch's changes mostly share a day, so its
 * date is formatted once, by toISOString itself; only the time of day is formatted per record.
 */
let cachedDay = Number.NaN;
let cachedDate = '';
let cachedDateBytes: Buffer = Buffer.alloc(0);

function useDay(day: number): void {
  if (day === cachedDay) return;
  cachedDate = new Date(day * DAY_MS).toISOString().slice(0, 10);
  cachedDateBytes = asciiBytes(cachedDate);
  cachedDay = day;
}

/**
 * The UTC date of `ms`, YYYY-MM-DD: the row's `dt` partition key (`lake-layout.ts#partitionDate`), the same
 * string for every time of a day. `ms` is a creation time (`creation-time.ts#isCreationTimeMs`): a whole
 * number of milliseconds from 1970 to the year 9999, so the year always has four digits.
 */
export function utcDate(ms: number): string {
  useDay(Math.floor(ms / DAY_MS));
  return cachedDate;
}

/** Writes `ms` (a creation time, as for `utcDate`) as `new Date(ms).toISOString()` does: YYYY-MM-DDTHH:mm:ss.sssZ. */
export function writeIsoTime(out: ByteWriter, ms: number): void {
  const day = Math.floor(ms / DAY_MS);
  useDay(day);
  out.chunk(cachedDateBytes);
  const time = ms - day * DAY_MS; // below 86,400,000: 32-bit arithmetic from here
  const hours = (time / 3_600_000) | 0;
  const minutes = ((time / 60_000) | 0) % 60;
  const seconds = ((time / 1000) | 0) % 60;
  out.byte(0x54); // T
  out.paddedDigits(hours, 2);
  out.byte(0x3a); // :
  out.paddedDigits(minutes, 2);
  out.byte(0x3a);
  out.paddedDigits(seconds, 2);
  out.byte(0x2e); // .
  out.paddedDigits(time % 1000, 3);
  out.byte(0x5a); // Z
}
