import { PipelineError } from '../errors/pipeline-error.ts';
import { NOT_A_MARKER } from './heartbeat-marker.ts';
import { TABLE_NAME as HISTORY } from './lake-layout.ts';
import { namedQuerySql } from './named-queries.ts';
import { ORDERS_CDC_COLUMNS } from './orders-cdc-columns.ts';

/**
 * The SQL of `current_orders` beyond its named query: over another table, and as of a time.
 *
 * Athena's view `current_orders` ranks the whole history (`orders_cdc`, the default), or the Iceberg table the
 * stack keeps with `-c currentState=iceberg` (docs/current-state-on-aws.md). One ranking serves both: the table
 * holds one row per order, but a REMOVE stays as a tombstone row and one Firehose commit can leave two rows of
 * an order, so the newest row per order still decides, as it does over the history.
 *
 * What a table name may be here: it is written into the SQL as it is.
 */
export const GLUE_TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The definition of `current_orders` (`current_orders.sql`) over `table`. */
export function currentOrdersDefinition(table: string = HISTORY): string {
  if (!GLUE_TABLE_NAME.test(table))
    throw new PipelineError(
      'catalog',
      'INVALID_TABLE_NAME',
      `${JSON.stringify(table)} is not a table current_orders can read: a Glue table name has letters, digits and _.`,
    );
  return table === HISTORY ? historyDefinition() : reading(`${table}\n`);
}

/**
 * `current_orders` over `table` as a relation a statement can read (`SELECT … FROM <this>`) without the view:
 * for the checks, which must not create or replace anything in the Glue database. The name `current_orders`
 * appears nowhere in it (not in a comment, not as its alias), so AthenaEngine sees no reason to create the
 * view before running it.
 */
export function currentOrdersRelation(table: string = HISTORY): string {
  const body = currentOrdersDefinition(table)
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  if (/\bcurrent_orders\b/i.test(body))
    throw new Error(`current_orders.sql must not name current_orders outside its comments:\n${body}`);
  return `(\n${body}\n) AS standing_orders`;
}

/** `current_orders.sql` as it is: the ranking over the whole history. */
function historyDefinition(): string {
  return namedQuerySql('current_orders').trim().replace(/;\s*$/, '');
}

/** `current_orders.sql` reading `source` (a table, or a subquery with its alias) instead of the history. */
function reading(source: string): string {
  const from = `FROM ${HISTORY}\n`;
  const [before, after, ...more] = historyDefinition().split(from);
  // The file reads the history in exactly one place; anything else means it changed shape under this function.
  if (before === undefined || after === undefined || more.length > 0)
    throw new Error(`current_orders.sql must read ${HISTORY} in exactly one "${from.trim()}" line`);
  return `${before}FROM ${source}${after}`;
}

const READS_CURRENT_ORDERS = /\bcurrent_orders\b/i;

/** `--as-of` asked of SQL that does not read `current_orders`. */
export class AsOfWithoutCurrentOrdersError extends PipelineError {
  constructor() {
    super(
      'catalog',
      'AS_OF_WITHOUT_CURRENT_ORDERS',
      '--as-of applies to current_orders, and this SQL does not read it: name current_orders in it (or a named ' +
        'query over it, such as revenue_by_product), or leave out --as-of.',
    );
  }
}

/**
 * `sql` with `current_orders` as it stood at `asOfMs`: each order's latest change event by stream time
 * (`event_time_ms`, DynamoDB's ApproximateCreationDateTime) at or before it, the same ranking as ever, removed
 * orders gone. The named query `current_orders` becomes that definition; any other SQL gets it as a `WITH`
 * entry of that name, which the engines take before the view (DuckDB and Athena alike). Only `current_orders`
 * travels in time: `orders_cdc`, named in the SQL, is the whole history still.
 */
export function currentOrdersAsOf(sql: string, asOfMs: number): string {
  const asOf = currentOrdersAt(String(Math.floor(asOfMs)));
  const bare = sql.trim().replace(/;\s*$/, '');
  if (bare === historyDefinition()) return asOf;
  if (!READS_CURRENT_ORDERS.test(bare)) throw new AsOfWithoutCurrentOrdersError();
  // After the comments a statement may open with (the named queries' headers), into its own WITH if it has one.
  const comments = LEADING_COMMENTS.exec(bare)?.[0] ?? '';
  const statement = bare.slice(comments.length);
  const entry = `current_orders AS (\n${asOf}\n)`;
  const opening = /^WITH(\s+RECURSIVE)?\s+/i.exec(statement);
  return opening
    ? `${comments}WITH${opening[1] ?? ''} ${entry},\n${statement.slice(opening[0].length)}`
    : `${comments}WITH ${entry}\n${statement}`;
}

/** `current_orders` as it stood at `timeMs`: a SQL expression of ms since 1970 (a number, or `?`). */
function currentOrdersAt(timeMs: string): string {
  return reading(`(SELECT * FROM ${HISTORY} WHERE event_time_ms <= ${timeMs}) AS ${HISTORY}\n`);
}

/**
 * `current_orders` as of a time given as the query's one parameter (`?`: ms since 1970), for Athena's saved
 * query `current_orders_as_of`, whose console asks for the value (Athena's parameterized queries).
 */
export function currentOrdersAsOfParameter(): string {
  return `-- current_orders as it stood at a time: run it with the time in ms since 1970 (e.g. 1764583200000)\n${currentOrdersAt('?')}`;
}

const LEADING_COMMENTS = /^(\s*(--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/))*\s*/;

/** The statement that (re)creates Athena's view `current_orders` over `table`. */
export function createCurrentOrdersView(table: string = HISTORY): string {
  return `CREATE OR REPLACE VIEW current_orders AS\n${currentOrdersDefinition(table)}`;
}

/**
 * Seeds the current-state table with the orders it does not hold yet, each as its latest change in the history
 * (removed orders left out). Run once when the table is added to a stack that already has orders: its delivery
 * stream starts at the stream's newest record, so orders that do not change again would be missing. An order
 * that changes while this runs gets a newer row from Firehose beside the seeded one; the view ranks them.
 */
export function seedCurrentStateTable(table: string): string {
  const columns = ORDERS_CDC_COLUMNS.map(({ name }) => name).join(', ');
  return `INSERT INTO ${table} (${columns})
SELECT ${columns} FROM (
  SELECT *, row_number() OVER (
    PARTITION BY orderid ORDER BY length(sequence_number) DESC, sequence_number DESC
  ) AS recency
  FROM ${HISTORY}
) AS ranked
WHERE recency = 1 AND cdc_event_type <> 'REMOVE' AND ${NOT_A_MARKER}
  AND orderid NOT IN (SELECT orderid FROM ${table})`;
}
