import { isDigit, latin1 } from './byte-scanner.ts';
import { RecordRejection } from './record-rejection.ts';

/** Epoch values below this are seconds, above it milliseconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const SECONDS_BELOW = 1e11;
const MAX_MS = Date.UTC(9999, 11, 31);

/**
 * `dynamodb.ApproximateCreationDateTime` in epoch milliseconds. Accepts epoch seconds (as Pipes sends it,
 * possibly fractional), epoch milliseconds, numeric strings of either, or ISO-8601 text (SDK and other
 * producers).
 */
export function creationTimeMs(value: unknown): number {
  let ms: number;
  if (typeof value === 'number') ms = epochToMs(value);
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) ms = epochToMs(Number(value));
  else if (typeof value === 'string') ms = Date.parse(value);
  else
    throw new RecordRejection(
      `dynamodb.ApproximateCreationDateTime is missing or not a time (${JSON.stringify(value)})`,
    );
  if (!isCreationTimeMs(ms)) {
    throw new RecordRejection(
      `dynamodb.ApproximateCreationDateTime ${JSON.stringify(value)} is not a valid time`,
    );
  }
  return ms;
}

/** An epoch in seconds or milliseconds (told apart by its size) in milliseconds, rounded to whole ones. */
export function epochToMs(epoch: number): number {
  return epoch < SECONDS_BELOW ? Math.round(epoch * 1000) : Math.round(epoch);
}

/** Whether `ms` is a creation time the row takes: from 1970 to the last day of the year 9999. */
export function isCreationTimeMs(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS;
}

/**
 * The fast path's reading of the same: the creation time written at b[start, end) — a JSON number literal, or
 * a string's text when `isText` — in epoch milliseconds exactly as `creationTimeMs` reads the parsed value,
 * or NaN where it rejects it. Whole epoch seconds (how Pipes sends it) are read from the digits; fractions,
 * exponents, signs and text by creationTimeMs itself.
 */
export function creationTimeMsOf(b: Uint8Array, start: number, end: number, isText: boolean): number {
  if (!isText && end - start <= 15) {
    let epoch = 0;
    let k = start;
    for (; k < end && isDigit(b[k] as number); k++) epoch = epoch * 10 + (b[k] as number) - 48;
    if (k === end) {
      const ms = epochToMs(epoch); // 15 digits or fewer: exact as a double
      return isCreationTimeMs(ms) ? ms : Number.NaN;
    }
  }
  try {
    const text = latin1(b, start, end);
    // JSON.parse reads a number literal as Number does: to the same double. `+ 0` turns -0 (a small negative
    // fraction, rounded) into 0, which the row writes alike.
    return creationTimeMs(isText ? text : Number(text)) + 0;
  } catch {
    return Number.NaN;
  }
}
