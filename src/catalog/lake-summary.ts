import { plainValue } from './plain-value.ts';
import type { QueryEngine } from './query-engine.ts';

/** What the lake holds, counted over `orders_cdc` and `current_orders`. */
export interface LakeSummary {
  /** Distinct change events (by event_id), and of each kind; backfill snapshots are no change events. */
  readonly events: number;
  readonly inserts: number;
  readonly modifies: number;
  readonly removes: number;
  /** Rows of the backfill: items as a table scan found them. */
  readonly snapshots: number;
  /** Rows beyond one per event: the same event delivered again (harmless, every view dedupes). */
  readonly duplicateDeliveries: number;
  /** Change events with a value a column cannot hold (NULL there, named in `unrepresentable`). */
  readonly unrepresentable: number;
  /** Orders standing now. */
  readonly currentOrders: number;
  /**
   * When the newest change in the lake was written (its `updated_at`, ms since the epoch, exact to the
   * millisecond where stream times are minute-truncated on DynamoDB Local); undefined for an empty lake.
   */
  readonly newestChangeMs: number | undefined;
}

export async function lakeSummary(engine: QueryEngine): Promise<LakeSummary> {
  const [events] = await engine.rows(
    `SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct_rows, max(updated_at) AS newest,
      count(DISTINCT CASE WHEN cdc_event_type <> 'SNAPSHOT' THEN event_id END) AS events,
      count(DISTINCT CASE WHEN cdc_event_type = 'SNAPSHOT' THEN event_id END) AS snapshots,
      count(DISTINCT CASE WHEN cdc_event_type = 'INSERT' THEN event_id END) AS inserts,
      count(DISTINCT CASE WHEN cdc_event_type = 'MODIFY' THEN event_id END) AS modifies,
      count(DISTINCT CASE WHEN cdc_event_type = 'REMOVE' THEN event_id END) AS removes,
      count(DISTINCT CASE WHEN unrepresentable IS NOT NULL THEN event_id END) AS unrepresentable
    FROM orders_cdc`,
  );
  const [current] = await engine.rows('SELECT count(*) AS orders FROM current_orders');
  const n = (value: unknown) => Number(plainValue(value) ?? 0);
  const newest = Date.parse(String(events?.newest ?? ''));
  return {
    events: n(events?.events),
    inserts: n(events?.inserts),
    modifies: n(events?.modifies),
    removes: n(events?.removes),
    snapshots: n(events?.snapshots),
    duplicateDeliveries: n(events?.rows) - n(events?.distinct_rows),
    unrepresentable: n(events?.unrepresentable),
    currentOrders: n(current?.orders),
    newestChangeMs: Number.isNaN(newest) ? undefined : newest,
  };
}
