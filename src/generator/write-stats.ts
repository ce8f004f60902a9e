import type { ChangeKind } from './order.ts';

/** Counters a generator run reports: what was planned, what DynamoDB confirmed, what had to be retried. */
export interface WriteStats {
  /** Changes confirmed written, by kind. */
  readonly written: Record<ChangeKind, number>;
  /** Write requests or items sent again (unprocessed items, throttling, server errors). */
  retries: number;
  /** Of those, how many were throttled. */
  throttled: number;
  /** Changes that could not be written (the run stops at the first). */
  failed: number;
}

export function newWriteStats(): WriteStats {
  return { written: { insert: 0, update: 0, delete: 0 }, retries: 0, throttled: 0, failed: 0 };
}

export function totalWritten(stats: WriteStats): number {
  return stats.written.insert + stats.written.update + stats.written.delete;
}
