/**
 * Heartbeat markers: items `gadget-cdc heartbeat` writes to the orders table (and removes again) to time a
 * change from the write until Athena sees it. Their keys start with `MARKER_ORDERID_PREFIX`, a prefix no order
 * may use; they travel the pipeline like any change, land in `orders_cdc`, and every analytic (the named
 * queries, `current_orders`, the dashboard's panels) leaves them out with `NOT_A_MARKER` — so do the checks
 * that compare the table with `current_orders`.
 */
export const MARKER_ORDERID_PREFIX = 'heartbeat#';

/** The SQL predicate (both Athena and DuckDB) that keeps orders and leaves heartbeat markers out. */
export const NOT_A_MARKER = `orderid NOT LIKE '${MARKER_ORDERID_PREFIX}%'`;

export function isMarker(orderid: string): boolean {
  return orderid.startsWith(MARKER_ORDERID_PREFIX);
}
