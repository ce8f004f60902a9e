import type { OrderChange } from '../generator/order.ts';

/** Freshness figures over the changes seen both written and landed. */
export interface FreshnessSummary {
  /** Changes written and seen in the lake. */
  readonly measured: number;
  /** Changes written and not (yet) seen in the lake. */
  readonly pending: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly maxMs: number | undefined;
}

/** How long a row that landed before its write was confirmed waits for that confirmation. */
const LANDED_FIRST_KEPT_MS = 60_000;

/**
 * Times each order change from the moment DynamoDB confirmed it to the moment the object holding its
 * `orders_cdc` row became durable in the lake — from then on every query of `current_orders` sees it, since
 * the view reads the lake's objects when it runs. A change is matched to its row by order id and
 * `updated_at` (the old image's for a REMOVE); rows of other runs and duplicate deliveries match nothing.
 */
export class ChangeFreshness {
  /** Confirmation times (ms since the epoch) by change key, oldest first. */
  private readonly written = new Map<string, number[]>();
  private readonly latencies = new LatencyHistogram();
  private pendingCount = 0;
  /**
   * Rows that landed before their write's confirmation reached us (a batch write confirms when its last retry
   * is through, while the stream already carried its first items): when landed, by change key, for a minute.
   * Without them such a change would count as "not seen in the lake" although it is there.
   */
  private readonly landedFirst = new Map<string, number>();

  wrote(change: OrderChange, atMs = Date.now()): void {
    const key =
      change.kind === 'delete'
        ? changeRowKey(change.previous.orderid, 'REMOVE', change.previous.updated_at)
        : changeRowKey(
            change.order.orderid,
            change.kind === 'insert' ? 'INSERT' : 'MODIFY',
            change.order.updated_at,
          );
    const landedAt = this.landedFirst.get(key);
    if (landedAt !== undefined) {
      this.landedFirst.delete(key);
      this.latencies.add(Math.max(0, landedAt - atMs));
      return;
    }
    const times = this.written.get(key);
    if (times) times.push(atMs);
    else this.written.set(key, [atMs]);
    this.pendingCount++;
  }

  /** The rows (JSON lines, as the transform made them) of an object that became durable at `atMs`. */
  landed(rows: readonly Uint8Array[], atMs: number): void {
    const decoder = new TextDecoder();
    for (const bytes of rows) {
      const row = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
      const key = changeRowKey(String(row.orderid), String(row.cdc_event_type), String(row.updated_at));
      const times = this.written.get(key);
      const writtenAt = times?.shift();
      if (writtenAt === undefined) {
        if (!this.landedFirst.has(key)) this.landedFirst.set(key, atMs);
        continue;
      }
      if (times?.length === 0) this.written.delete(key);
      this.latencies.add(atMs - writtenAt);
      this.pendingCount--;
    }
    // Rows of other runs and duplicate deliveries never match a write: forget them after a while.
    for (const [key, landedAt] of this.landedFirst) {
      if (landedAt >= atMs - LANDED_FIRST_KEPT_MS) break;
      this.landedFirst.delete(key);
    }
  }

  summary(): FreshnessSummary {
    return {
      measured: this.latencies.count,
      pending: this.pendingCount,
      p50Ms: this.latencies.percentile(0.5),
      p99Ms: this.latencies.percentile(0.99),
      maxMs: this.latencies.count > 0 ? this.latencies.max : undefined,
    };
  }
}

/**
 * Latencies counted per whole millisecond up to 10 minutes (longer ones in one last bucket, the maximum kept
 * exactly): fixed memory however long `up` runs, percentiles exact to the millisecond, and a summary as cheap
 * at the billionth change as at the first.
 */
export class LatencyHistogram {
  private static readonly LIMIT_MS = 600_000;
  private readonly buckets = new Float64Array(LatencyHistogram.LIMIT_MS + 1);
  count = 0;
  max = 0;

  add(ms: number): void {
    const bucket = Math.min(LatencyHistogram.LIMIT_MS, Math.max(0, Math.round(ms)));
    this.buckets[bucket] = (this.buckets[bucket] ?? 0) + 1;
    this.count++;
    this.max = Math.max(this.max, ms);
  }

  /** Nearest-rank percentile in whole ms (the exact maximum for the top rank); undefined for none. */
  percentile(fraction: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.min(this.count, Math.max(1, Math.ceil(fraction * this.count)));
    if (rank === this.count) return this.max;
    let seen = 0;
    for (let ms = 0; ms < this.buckets.length; ms++) {
      seen += this.buckets[ms] ?? 0;
      if (seen >= rank) return ms;
    }
    return this.max;
  }
}

function changeRowKey(orderid: string, eventType: string, updatedAt: string): string {
  return `${orderid}\n${eventType}\n${updatedAt}`;
}

/** Nearest-rank percentile of ascending values; undefined for none. */
export function percentile(sorted: readonly number[], fraction: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

export function formatFreshness(summary: FreshnessSummary): string {
  if (summary.measured === 0) return 'freshness: no change of this run measured';
  const seconds = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(2)} s`;
  const pending = summary.pending > 0 ? `, ${summary.pending} not seen in the lake` : '';
  return (
    `freshness (DynamoDB write confirmed → visible in current_orders) over ${summary.measured} changes: ` +
    `p50 ${seconds(summary.p50Ms)}, p99 ${seconds(summary.p99Ms)}, max ${seconds(summary.maxMs)}${pending}`
  );
}
