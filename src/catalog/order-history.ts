import { plainValue } from './plain-value.ts';
import type { QueryEngine } from './query-engine.ts';
import { sqlString } from './sql-literal.ts';

/** The columns whose changes a history spells out, old → new. */
const TRACKED = ['status', 'quantity', 'price', 'product_name', 'customer_id', 'created_at'] as const;

/**
 * Every change of one order in stream order (by sequence number: length, then text), each delivered copy once:
 * its kind, its stream time, the order's columns after it, and what it changed against the change before it.
 * In the SQL both engines run.
 */
export function orderHistorySql(orderid: string): string {
  const previous = (column: string) =>
    `lag(${column}) OVER (ORDER BY length(sequence_number), sequence_number) AS previous_${column}`;
  const spelled = (column: string) =>
    `CASE WHEN ${column} IS DISTINCT FROM previous_${column} THEN '${column} ' || ` +
    `coalesce(CAST(previous_${column} AS VARCHAR), 'NULL') || ' → ' || coalesce(CAST(${column} AS VARCHAR), 'NULL') END`;
  return `WITH events AS (
  SELECT DISTINCT event_id, sequence_number, cdc_event_type, creation_datetime, updated_at, ${TRACKED.join(', ')}
  FROM orders_cdc
  WHERE orderid = ${sqlString(orderid)}
),
ordered AS (
  SELECT *, ${[...TRACKED, 'cdc_event_type'].map(previous).join(', ')}
  FROM events
),
described AS (
  SELECT *, concat_ws('; ', ${TRACKED.map(spelled).join(', ')}) AS changes
  FROM ordered
)
SELECT
  sequence_number,
  creation_datetime AS changed_at,
  cdc_event_type AS kind,
  CASE
    WHEN cdc_event_type = 'SNAPSHOT' THEN 'as a backfill scan found it (no change)'
    WHEN cdc_event_type = 'REMOVE' THEN 'deleted'
    WHEN cdc_event_type = 'INSERT' AND previous_cdc_event_type = 'REMOVE' THEN 're-created'
    WHEN cdc_event_type = 'INSERT' THEN 'placed'
    WHEN previous_cdc_event_type IS NULL THEN 'changed (its earlier state was not captured)'
    WHEN changes = '' THEN 'updated (no column above changed)'
    ELSE changes
  END AS what_changed,
  ${TRACKED.join(', ')},
  updated_at
FROM described
ORDER BY length(sequence_number), sequence_number`;
}

/** One order's changes, and how it stands now. */
export interface OrderHistory {
  readonly orderid: string;
  readonly changes: ReadonlyArray<Record<string, unknown>>;
  /** Its row of `current_orders`; undefined when it is deleted (or was never seen: no changes either). */
  readonly current: Record<string, unknown> | undefined;
}

export async function orderHistory(
  engine: Pick<QueryEngine, 'rows'>,
  orderid: string,
): Promise<OrderHistory> {
  const plain = (row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, plainValue(value)]));
  const changes = (await engine.rows(orderHistorySql(orderid))).map(plain);
  const [current] = (
    await engine.rows(
      `SELECT orderid, ${TRACKED.join(', ')}, updated_at, sequence_number FROM current_orders WHERE orderid = ${sqlString(orderid)}`,
    )
  ).map(plain);
  return { orderid, changes, current };
}
