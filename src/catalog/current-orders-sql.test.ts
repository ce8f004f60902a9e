import { describe, expect, it } from 'vitest';
import { plannedFirehoseRecords, transformedRows } from '../../bench/planned-records.ts';
import { writeLakeOf } from '../../test/helpers/lake-of-events.ts';
import { ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { LocalDiskStore } from '../lake/local-disk-store.ts';
import {
  currentOrdersAsOf,
  currentOrdersAsOfParameter,
  currentOrdersDefinition,
  currentOrdersRelation,
  seedCurrentStateTable,
} from './current-orders-sql.ts';
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
    const dir = makeTempDir('current-orders-sql');
    const lake = await (async () => {
      const store = new LocalDiskStore(dir.path);
      const records = plannedFirehoseRecords(600, 'current-orders-sql');
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
      // The relation the checks read, without a view, over either table: Athena's engine creates the view
      // before any statement that names current_orders, so the relation never does.
      expect(currentOrdersRelation(STATE)).not.toMatch(/\bcurrent_orders\b/);
      for (const table of [STATE, 'orders_cdc'])
        expect(
          await lake.duck.rows(`SELECT * FROM ${currentOrdersRelation(table)} ORDER BY orderid`),
        ).toEqual(await currentOrders(namedQuerySql('current_orders')));
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

describe('current_orders as of a time (--as-of)', () => {
  // Stream times in epoch seconds: A placed at :00, paid at :02, deleted at :04, re-created at :06; B placed at
  // :01 and changed at :05.
  const T0 = 1_763_800_000;
  const order = (id: string, status: string, quantity = 1) => ({
    ...ORDER_IMAGE,
    orderid: { S: id },
    status: { S: status },
    quantity: { N: String(quantity) },
  });
  const at = (minutes: number) => T0 + minutes * 60;
  let sequence = 100_000_000_000_000_000_000n;
  const change = (
    eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
    image: Record<string, unknown>,
    minute: number,
  ) =>
    streamRecord({
      eventName,
      ...(eventName === 'REMOVE' ? { oldImage: image } : { newImage: image }),
      sequenceNumber: String(++sequence),
      approximateCreationDateTime: at(minute),
    } as Parameters<typeof streamRecord>[0]);

  it('is each order’s latest change at or before the time, an order deleted then gone and re-created back', async () => {
    const dir = makeTempDir('as-of');
    await writeLakeOf(dir.path, [
      change('INSERT', order('A', 'PLACED'), 0),
      change('INSERT', order('B', 'PLACED', 2), 1),
      change('MODIFY', order('A', 'PAID'), 2),
      change('REMOVE', order('A', 'PAID'), 4),
      change('MODIFY', order('B', 'PLACED', 5), 5),
      change('INSERT', order('A', 'PLACED', 9), 6),
    ]);
    const lake = await DuckDbLake.open(dir.path);
    const asOf = async (minute: number, sql = namedQuerySql('current_orders')) =>
      (await lake.rows(currentOrdersAsOf(sql, at(minute) * 1000))).map((row) => ({
        orderid: row.orderid,
        status: row.status,
        quantity: Number(row.quantity),
      }));
    try {
      expect(await asOf(-1)).toEqual([]);
      expect(await asOf(0)).toEqual([{ orderid: 'A', status: 'PLACED', quantity: 1 }]);
      const threeMinutesIn = [
        { orderid: 'A', status: 'PAID', quantity: 1 },
        { orderid: 'B', status: 'PLACED', quantity: 2 },
      ];
      const sorted = (rows: Array<{ orderid: unknown }>) =>
        [...rows].sort((a, b) => String(a.orderid).localeCompare(String(b.orderid)));
      expect(sorted(await asOf(3))).toEqual(threeMinutesIn);
      expect(sorted(await asOf(4))).toEqual([{ orderid: 'B', status: 'PLACED', quantity: 2 }]);
      expect(sorted(await asOf(6))).toEqual([
        { orderid: 'A', status: 'PLACED', quantity: 9 },
        { orderid: 'B', status: 'PLACED', quantity: 5 },
      ]);
      // Any SQL over current_orders travels with it, its comments and its own WITH kept.
      const counted = await lake.rows(
        currentOrdersAsOf(
          "-- how many\nWITH paid AS (SELECT * FROM current_orders WHERE status = 'PAID') SELECT count(*) AS n FROM paid",
          at(3) * 1000,
        ),
      );
      expect(counted).toEqual([{ n: 1n }]);
      expect(
        await lake.rows(currentOrdersAsOf(namedQuerySql('revenue_by_product'), at(4) * 1000)),
      ).toMatchObject([{ orders: 1n, units: 2n }]);
      // Athena's saved query takes the time as its parameter: the same rows (DuckDB binds `?` as Athena does).
      const prepared = await lake.connection.prepare(currentOrdersAsOfParameter());
      prepared.bindBigInt(1, BigInt(at(3) * 1000));
      const parameterized = (await prepared.runAndReadAll()).getRowObjects();
      expect(
        sorted(
          parameterized.map((row) => ({
            orderid: row.orderid,
            status: row.status,
            quantity: Number(row.quantity),
          })),
        ),
      ).toEqual(threeMinutesIn);
      // Now, the view and the time travel agree.
      expect(sorted(await asOf(60))).toEqual(
        sorted(
          (await lake.rows('SELECT orderid, status, quantity FROM current_orders')).map((row) => ({
            orderid: row.orderid,
            status: row.status,
            quantity: Number(row.quantity),
          })),
        ),
      );
    } finally {
      lake.close();
      dir.remove();
    }
  });

  it('refuses SQL that does not read current_orders, saying what --as-of applies to', () => {
    expect(() => currentOrdersAsOf('SELECT count(*) FROM orders_cdc', 0)).toThrow(
      /^--as-of applies to current_orders, and this SQL does not read it/,
    );
  });
});
