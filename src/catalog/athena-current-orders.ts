import { PipelineError } from '../errors/pipeline-error.ts';
import { TABLE_NAME as HISTORY } from './lake-layout.ts';
import { namedQuerySql } from './named-queries.ts';
import { ORDERS_CDC_COLUMNS } from './orders-cdc-columns.ts';

/**
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
  const definition = namedQuerySql('current_orders').trim().replace(/;\s*$/, '');
  const from = `FROM ${HISTORY}\n`;
  // The file reads the history in exactly one place; anything else means it changed shape under this function.
  if (definition.split(from).length !== 2)
    throw new Error(`current_orders.sql must read ${HISTORY} in exactly one "${from.trim()}" line`);
  return table === HISTORY ? definition : definition.replace(from, `FROM ${table}\n`);
}

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
WHERE recency = 1 AND cdc_event_type <> 'REMOVE'
  AND orderid NOT IN (SELECT orderid FROM ${table})`;
}
