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
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_MS) {
    throw new RecordRejection(
      `dynamodb.ApproximateCreationDateTime ${JSON.stringify(value)} is not a valid time`,
    );
  }
  return ms;
}

function epochToMs(epoch: number): number {
  return epoch < SECONDS_BELOW ? Math.round(epoch * 1000) : Math.round(epoch);
}
