import { describe, expect, it } from 'vitest';
import { plannedFirehoseRecords, transformedRows } from '../../bench/planned-records.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { LocalDiskStore } from '../lake/local-disk-store.ts';
import { currentOrdersDefinition, seedCurrentStateTable } from './athena-current-orders.ts';
import { DuckDbLake } from './duckdb-lake.ts';
import { partitionPrefix } from './lake-layout.ts';
import { namedQuerySql } from './named-queries.ts';
import { ORDERS_CDC_COLUMNS } from './orders-cdc-columns.ts';

const STATE = 'current_orders_state';
const COLUMNS = ORDERS_CDC_COLUMNS.map(({ name }) => name).join(', ');

/**
 * The SQL Athena runs over the current-state table, run in DuckDB (the named queries are written in the SQL both
 * share) on real transform rows: seeded from the history, then as Firehose leaves the table (a tombstone, two
 * rows of one order from one commit), `current_orders` over the table equals `current_orders` over the history.
 */
describe('current_orders over the current-state table', () => {
  it('reads the seeded table as the history reads, ranking tombstones and same-commit rows', async () => {
    const dir = makeTempDir('athena-current-orders');
    const lake = await (async () => {
      const store = new LocalDiskStore(dir.path);
      const records = plannedFirehoseRecords(600, 'athena-current-orders');
      await store.put(`${partitionPrefix('2026-11-22')}a.json`, await transformedRows(records.slice(0, 400)));
      return { store, records, duck: await DuckDbLake.open(dir.path) };
    })();
    const currentOrders = async (sql: string) =>
      lake.duck.rows(`SELECT * FROM (${sql}) AS c ORDER BY orderid`);
    try {
      await lake.duck.rows(`CREATE TABLE ${STATE} AS SELECT ${COLUMNS} FROM orders_cdc WHERE false`);
      await lake.duck.rows(seedCurrentStateTable(STATE));
      const seeded = await lake.duck.rows(
        `SELECT count(*) AS rows, count(DISTINCT orderid) AS orders FROM ${STATE}`,
      );
      expect(seeded[0]?.rows).toBe(seeded[0]?.orders);
      expect(await currentOrders(currentOrdersDefinition(STATE))).toEqual(
        await currentOrders(namedQuerySql('current_orders')),
      );

      // Later changes arrive as Firehose applies them: every newer change appended beside what the table holds
      // (the worst case of one commit: no older row deleted), REMOVEs as tombstone rows. A second seed adds
      // nothing: every order is there.
      await lake.store.put(
        `${partitionPrefix('2026-11-22')}b.json`,
        await transformedRows(lake.records.slice(400)),
      );
      await lake.duck.rows(
        `INSERT INTO ${STATE} SELECT ${COLUMNS} FROM orders_cdc WHERE sequence_number NOT IN (SELECT sequence_number FROM ${STATE})`,
      );
      const before = await lake.duck.rows(`SELECT count(*) AS n FROM ${STATE}`);
      await lake.duck.rows(seedCurrentStateTable(STATE));
      expect(await lake.duck.rows(`SELECT count(*) AS n FROM ${STATE}`)).toEqual(before);
      const removed = await lake.duck.rows(
        `SELECT count(*) AS n FROM ${STATE} WHERE cdc_event_type = 'REMOVE'`,
      );
      expect(removed[0]?.n).toBeGreaterThan(0n);
      expect(await currentOrders(currentOrdersDefinition(STATE))).toEqual(
        await currentOrders(namedQuerySql('current_orders')),
      );
    } finally {
      lake.duck.close();
      dir.remove();
    }
  });

  it('refuses a table name that is not a plain identifier', () => {
    expect(() => currentOrdersDefinition('x; DROP TABLE orders_cdc')).toThrow(
      /^"x; DROP TABLE orders_cdc" is not a table current_orders can read: a Glue table name has letters, digits and _\.$/,
    );
  });

  it('is current_orders.sql with only its table changed', () => {
    expect(currentOrdersDefinition()).toBe(namedQuerySql('current_orders').trim());
    expect(currentOrdersDefinition(STATE).replace(`FROM ${STATE}\n`, 'FROM orders_cdc\n')).toBe(
      currentOrdersDefinition(),
    );
  });
});
