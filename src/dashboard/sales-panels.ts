import type { DuckDbLake } from '../catalog/duckdb-lake.ts';
import { namedQuerySql } from '../catalog/named-queries.ts';
import { plainValue } from '../catalog/plain-value.ts';
import { projectionPanelRows, projectionPanelSql } from '../catalog/sales-projection.ts';
import { type ProjectionLine, projectionLine } from './projection-line.ts';

type Row = Record<string, unknown>;

/** What the sales analyst's half of the page shows; every figure is SQL over the lake. */
export interface SalesPanels {
  readonly totals: {
    readonly orders: number;
    readonly revenue: number;
    readonly events: number;
    /** Change events with a value some column cannot hold (NULL there, exact in image_json); snapshots too. */
    readonly unrepresentable: number;
  };
  /** Orders placed and their revenue per minute, the last `MINUTES` minutes with sales (a day). */
  readonly perMinute: readonly Row[];
  readonly byProduct: readonly Row[];
  /** Orders standing now per status, PLACED → DELIVERED, then CANCELLED. */
  readonly funnel: readonly Row[];
  readonly cancellations: readonly Row[];
  /** The latest changes and what each changed. */
  readonly recentChanges: readonly Row[];
  /** Change events per minute by kind (INSERT / MODIFY / REMOVE). */
  readonly flow: readonly Row[];
  readonly projection: { readonly byProduct: readonly Row[]; readonly line: ProjectionLine };
}

/** The minutes the time charts get: a day of them (the page narrows them to the range chosen). */
const MINUTES = 1_440;

const FUNNEL_SQL = `
SELECT status, count(*) AS orders
FROM current_orders
GROUP BY status
ORDER BY CASE status WHEN 'PLACED' THEN 1 WHEN 'PAID' THEN 2 WHEN 'SHIPPED' THEN 3 WHEN 'DELIVERED' THEN 4 ELSE 5 END`;

const TOTALS_SQL = `
SELECT
  (SELECT count(*) FROM current_orders) AS orders,
  (SELECT coalesce(sum(price * quantity), 0) FROM current_orders WHERE status <> 'CANCELLED') AS revenue,
  (SELECT count(DISTINCT event_id) FROM orders_cdc WHERE cdc_event_type <> 'SNAPSHOT') AS events,
  (SELECT count(DISTINCT event_id) FROM orders_cdc WHERE unrepresentable IS NOT NULL) AS unrepresentable`;

// Minute buckets from creation_datetime (the stream's ApproximateCreationDateTime, ISO text); a backfill's
// snapshots, stamped with the time of the scan, would make minutes of no change.
const FLOW_SQL = `
SELECT
  substr(creation_datetime, 1, 16) AS minute,
  count(DISTINCT CASE WHEN cdc_event_type = 'INSERT' THEN event_id END) AS inserts,
  count(DISTINCT CASE WHEN cdc_event_type = 'MODIFY' THEN event_id END) AS modifies,
  count(DISTINCT CASE WHEN cdc_event_type = 'REMOVE' THEN event_id END) AS removes
FROM orders_cdc
WHERE cdc_event_type <> 'SNAPSHOT'
GROUP BY 1
ORDER BY 1 DESC
LIMIT ${MINUTES}`;

// The orders changed last, each of their events beside the one before it (by sequence number); backfill
// snapshots are no changes.
const RECENT_CHANGES_SQL = `
WITH changes AS (SELECT * FROM orders_cdc WHERE cdc_event_type <> 'SNAPSHOT'),
recent_orders AS (
  SELECT DISTINCT orderid FROM (SELECT orderid FROM changes ORDER BY updated_at DESC LIMIT 12)
),
events AS (
  SELECT DISTINCT e.orderid, e.product_name, e.cdc_event_type, e.status, e.quantity, e.updated_at, e.sequence_number
  FROM changes e JOIN recent_orders USING (orderid)
),
ordered AS (
  SELECT *,
    lag(status) OVER w AS previous_status,
    lag(quantity) OVER w AS previous_quantity
  FROM events
  WINDOW w AS (PARTITION BY orderid ORDER BY length(sequence_number), sequence_number)
)
SELECT
  updated_at AS at, orderid, product_name, cdc_event_type,
  CASE
    WHEN cdc_event_type = 'INSERT' THEN 'placed: ' || quantity || ' × ' || product_name
    WHEN cdc_event_type = 'REMOVE' THEN 'deleted (was ' || status || ')'
    WHEN previous_status IS NOT NULL AND status <> previous_status THEN previous_status || ' → ' || status
    WHEN previous_quantity IS NOT NULL AND quantity <> previous_quantity THEN 'quantity ' || previous_quantity || ' → ' || quantity
    ELSE 'updated'
  END AS change
FROM ordered
ORDER BY updated_at DESC, length(sequence_number) DESC, sequence_number DESC
LIMIT 12`;

/** Every sales panel, read from the lake now. */
export async function salesPanels(lake: DuckDbLake): Promise<SalesPanels> {
  const query = async (sql: string) => (await lake.rows(sql)).map(plainRow);
  const [totals = {}] = await query(TOTALS_SQL);
  const allMinutes = await query(namedQuerySql('sales_per_minute'));
  const perMinute = allMinutes.slice(-MINUTES);
  // The table and the line from one statement: both from the lake as it was at one moment.
  const panel = projectionPanelRows(await query(projectionPanelSql()));
  return {
    totals: {
      orders: Number(totals.orders ?? 0),
      revenue: Number(totals.revenue ?? 0),
      events: Number(totals.events ?? 0),
      unrepresentable: Number(totals.unrepresentable ?? 0),
    },
    perMinute,
    byProduct: await query(namedQuerySql('revenue_by_product')),
    funnel: await query(FUNNEL_SQL),
    cancellations: await query(namedQuerySql('cancellations')),
    recentChanges: await query(RECENT_CHANGES_SQL),
    flow: (await query(FLOW_SQL)).reverse(),
    projection: { byProduct: panel.byProduct, line: projectionLine(allMinutes.length, panel) },
  };
}

/** DuckDB values as JSON-ready ones; decimals become numbers (the page shows money, not exact cents math). */
function plainRow(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => {
      const plain = plainValue(value);
      return [key, typeof plain === 'string' && /^-?\d+(\.\d+)?$/.test(plain) ? Number(plain) : plain];
    }),
  );
}
