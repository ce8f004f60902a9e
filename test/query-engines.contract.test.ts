import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaEngine } from '../src/catalog/athena-engine.ts';
import { DuckDbLake } from '../src/catalog/duckdb-lake.ts';
import { namedQueries, namedQuerySql } from '../src/catalog/named-queries.ts';
import { plainValue } from '../src/catalog/plain-value.ts';
import { athenaOverDuckDb } from './helpers/athena-over-duckdb.ts';
import { writeLakeOf } from './helpers/lake-of-events.ts';
import { salesSeriesRecords } from './helpers/sales-series.ts';
import { ORDER_IMAGE, streamRecord } from './helpers/stream-records.ts';
import { makeTempDir } from './helpers/temp-dir.ts';

/**
 * The QueryEngine contract over both engines (docs/architecture.md): every named query gives the same rows whether
 * DuckDB runs it over the lake or Athena does. Athena cannot run here, so it answers with what DuckDB
 * computes, serialised as Athena serialises results (test/helpers/athena-over-duckdb.ts: every value as text,
 * types in ColumnInfo, the header row, pages); the Athena engine must turn that back into the very rows DuckDB
 * gave.
 */
const dir = makeTempDir('engines-contract');
let lake: DuckDbLake;

const order = (orderid: string, status: string, quantity: number, price: string) => ({
  ...ORDER_IMAGE,
  orderid: { S: orderid },
  status: { S: status },
  quantity: { N: String(quantity) },
  price: { N: price },
});

beforeAll(async () => {
  await writeLakeOf(dir.path, [
    streamRecord({ eventName: 'INSERT', newImage: order('A', 'PLACED', 2, '1299.9'), sequenceNumber: '1' }),
    streamRecord({
      eventName: 'MODIFY',
      oldImage: order('A', 'PLACED', 2, '1299.9'),
      newImage: order('A', 'PAID', 2, '1299.9'),
      sequenceNumber: '2',
    }),
    streamRecord({ eventName: 'INSERT', newImage: order('B', 'PLACED', 1, '19.99'), sequenceNumber: '3' }),
    streamRecord({ eventName: 'REMOVE', oldImage: order('B', 'PLACED', 1, '19.99'), sequenceNumber: '4' }),
    streamRecord({ eventName: 'INSERT', newImage: order('C', 'PLACED', 3, '5'), sequenceNumber: '5' }),
    // Eight minutes of sales, so that sales_projection has complete minutes to project from.
    ...salesSeriesRecords(
      { Drone: [10, 100, 120, 90, 130, 110, 100, 60] },
      Date.parse('2025-11-22T08:00:00Z'),
    ),
  ]);
  lake = await DuckDbLake.open(dir.path);
  // Each statement runs twice (here, and as "Athena" answers it): on one thread DuckDB lists the rows of one
  // without ORDER BY (current_orders, preview) the same way both times.
  await lake.connection.run('SET threads = 1');
});
afterAll(() => {
  lake.close();
  dir.remove();
});

const plainRows = (rows: Record<string, unknown>[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, plainValue(value)])));

describe('QueryEngine contract: DuckDB and Athena give the same rows', () => {
  for (const name of namedQueries()) {
    it(name, async () => {
      const sql = namedQuerySql(name);
      const duckdb = await lake.connection.runAndReadAll(sql);
      // Athena (re)creates the view first when the SQL reads it: a DDL statement, no rows. Pages of two rows.
      const athena = athenaOverDuckDb(lake, { pageSize: 2 });
      const engine = new AthenaEngine(athena.client, { workGroup: 'wg', database: 'db' });
      const rows = await engine.rows(sql);
      expect(athena.started.at(-1)).toBe(sql);
      expect(rows.length).toBeGreaterThan(0);
      expect(plainRows(rows)).toEqual(plainRows(duckdb.getRowObjects() as Record<string, unknown>[]));
    });
  }
});
