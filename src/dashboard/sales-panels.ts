import { NOT_A_MARKER } from '../catalog/heartbeat-marker.ts';
import { namedQuerySql } from '../catalog/named-queries.ts';
import { plainValue } from '../catalog/plain-value.ts';
import type { QueryEngine } from '../catalog/query-engine.ts';
import { projectionPanelRows, projectionPanelSql } from '../catalog/sales-projection.ts';
import { type ProjectionLine, projectionLine } from './projection-line.ts';
import { type PartRows, type StatementPart, sharedStatement, splitSharedRows } from './shared-statement.ts';

type Row = Record<string, unknown>;

/**
 * What the sales analyst's half of the page shows; every figure is SQL over the lake. Heartbeat markers
 * (`gadget-cdc heartbeat`'s items) are no orders: the named queries and `current_orders` leave them out, and so
 * does every statement here that reads `orders_cdc` (`NOT_A_MARKER`).
 */
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
  (SELECT count(DISTINCT event_id) FROM orders_cdc WHERE cdc_event_type <> 'SNAPSHOT' AND ${NOT_A_MARKER}) AS events,
  (SELECT count(DISTINCT event_id) FROM orders_cdc WHERE unrepresentable IS NOT NULL AND ${NOT_A_MARKER}) AS unrepresentable`;

// Minute buckets from creation_datetime (the stream's ApproximateCreationDateTime, ISO text); a backfill's
// snapshots, stamped with the time of the scan, would make minutes of no change.
const FLOW_SQL = `
SELECT
  substr(creation_datetime, 1, 16) AS minute,
  count(DISTINCT CASE WHEN cdc_event_type = 'INSERT' THEN event_id END) AS inserts,
  count(DISTINCT CASE WHEN cdc_event_type = 'MODIFY' THEN event_id END) AS modifies,
  count(DISTINCT CASE WHEN cdc_event_type = 'REMOVE' THEN event_id END) AS removes
FROM orders_cdc
WHERE cdc_event_type <> 'SNAPSHOT' AND ${NOT_A_MARKER}
GROUP BY 1
ORDER BY minute DESC
LIMIT ${MINUTES}`;

// The orders changed last, each of their events beside the one before it (by sequence number); backfill
// snapshots are no changes.
const RECENT_CHANGES_SQL = `
WITH changes AS (SELECT * FROM orders_cdc WHERE cdc_event_type <> 'SNAPSHOT' AND ${NOT_A_MARKER}),
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

/** The panels' rows as their statements answer them, before they are shaped for the page. */
interface PanelRows {
  readonly totals: Row;
  /** `sales_per_minute`: its last MINUTES minutes, and how many minutes with sales there are in all. */
  readonly perMinute: PartRows;
  readonly byProduct: Row[];
  readonly funnel: Row[];
  readonly cancellations: Row[];
  readonly recentChanges: Row[];
  /** Newest minute first. */
  readonly flow: Row[];
  /** `projectionPanelSql`'s rows. */
  readonly projection: Row[];
}

/**
 * Every sales panel, read from the lake now. With `fewestStatements` (for Athena, which bills each statement at
 * least 10 MB) the panels that can share a statement do (`sharedStatement`), and three statements answer them
 * all; otherwise (DuckDB) each panel is its own statement. Both give the same panels.
 */
export async function salesPanels(
  engine: Pick<QueryEngine, 'rows'>,
  options: { readonly fewestStatements?: boolean } = {},
): Promise<SalesPanels> {
  const query = async (sql: string) => (await engine.rows(sql)).map(plainRow);
  const rows = options.fewestStatements ? await inFewStatements(query) : await oneByOne(query);
  const panel = projectionPanelRows(rows.projection);
  const { totals } = rows;
  return {
    totals: {
      orders: Number(totals.orders ?? 0),
      revenue: Number(totals.revenue ?? 0),
      events: Number(totals.events ?? 0),
      unrepresentable: Number(totals.unrepresentable ?? 0),
    },
    perMinute: rows.perMinute.rows,
    byProduct: rows.byProduct,
    funnel: rows.funnel,
    cancellations: rows.cancellations,
    recentChanges: rows.recentChanges,
    flow: [...rows.flow].reverse(),
    projection: { byProduct: panel.byProduct, line: projectionLine(rows.perMinute.total, panel) },
  };
}

type Query = (sql: string) => Promise<Row[]>;

async function oneByOne(query: Query): Promise<PanelRows> {
  const [totals = {}] = await query(TOTALS_SQL);
  const allMinutes = await query(namedQuerySql('sales_per_minute'));
  // The table and the line from one statement: both from the lake as it was at one moment.
  const projection = await query(projectionPanelSql());
  return {
    totals,
    perMinute: { rows: allMinutes.slice(-MINUTES), total: allMinutes.length },
    projection,
    byProduct: await query(namedQuerySql('revenue_by_product')),
    funnel: await query(FUNNEL_SQL),
    cancellations: await query(namedQuerySql('cancellations')),
    recentChanges: await query(RECENT_CHANGES_SQL),
    flow: await query(FLOW_SQL),
  };
}

/**
 * The panels in three statements: one shared by every panel whose order its own columns decide, then the recent
 * changes (ordered by the sequence number, which they do not show) and the projection (already one statement
 * for its table and its line).
 */
async function inFewStatements(query: Query): Promise<PanelRows> {
  const parts = {
    totals: { sql: TOTALS_SQL, columns: ['orders', 'revenue', 'events', 'unrepresentable'] },
    per_minute: {
      sql: namedQuerySql('sales_per_minute'),
      columns: ['minute', 'orders', 'revenue'],
      last: MINUTES,
    },
    by_product: {
      sql: namedQuerySql('revenue_by_product'),
      columns: ['product_name', 'orders', 'units', 'revenue'],
    },
    funnel: { sql: FUNNEL_SQL, columns: ['status', 'orders'] },
    cancellations: {
      sql: namedQuerySql('cancellations'),
      columns: ['product_name', 'deleted', 'deleted_after_cancel'],
    },
    flow: { sql: FLOW_SQL, columns: ['minute', 'inserts', 'modifies', 'removes'] },
  } satisfies Record<string, StatementPart>;
  const shared = splitSharedRows(parts, await query(sharedStatement(parts)));
  const rowsOf = (name: keyof typeof parts) => shared[name]?.rows ?? [];
  return {
    totals: rowsOf('totals')[0] ?? {},
    perMinute: shared.per_minute ?? { rows: [], total: 0 },
    byProduct: rowsOf('by_product'),
    funnel: rowsOf('funnel'),
    cancellations: rowsOf('cancellations'),
    flow: rowsOf('flow'),
    recentChanges: await query(RECENT_CHANGES_SQL),
    projection: await query(projectionPanelSql()),
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
