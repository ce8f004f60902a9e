import { afterAll, describe, expect, it } from 'vitest';
import { writeLakeOf } from '../../test/helpers/lake-of-events.ts';
import { ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { DuckDbLake } from './duckdb-lake.ts';

const dirs: Array<{ path: string; remove(): void }> = [];
afterAll(() => {
  for (const dir of dirs) dir.remove();
});

const order = (orderid: string, quantity: number) => ({
  ...ORDER_IMAGE,
  orderid: { S: orderid },
  quantity: { N: String(quantity) },
});

/** A lake holding the given change events as one Parquet object. */
async function lakeOf(records: Array<Record<string, unknown>>): Promise<string> {
  const dir = makeTempDir('duckdb-lake');
  dirs.push(dir);
  await writeLakeOf(dir.path, records);
  return dir.path;
}

describe('DuckDbLake', () => {
  it('current_orders keeps each order’s latest event by sequence number (length first), drops removed orders, ignores duplicates', async () => {
    const lakeDir = await lakeOf([
      streamRecord({ eventName: 'INSERT', newImage: order('A', 1), sequenceNumber: '99', eventID: 'a1' }),
      streamRecord({
        eventName: 'MODIFY',
        newImage: order('A', 2),
        oldImage: order('A', 1),
        sequenceNumber: '100',
        eventID: 'a2',
      }),
      streamRecord({ eventName: 'INSERT', newImage: order('B', 1), sequenceNumber: '5', eventID: 'b1' }),
      streamRecord({ eventName: 'REMOVE', oldImage: order('B', 1), sequenceNumber: '6', eventID: 'b2' }),
      streamRecord({ eventName: 'INSERT', newImage: order('C', 3), sequenceNumber: '7', eventID: 'c1' }),
      streamRecord({ eventName: 'INSERT', newImage: order('C', 3), sequenceNumber: '7', eventID: 'c1' }),
    ]);
    const lake = await DuckDbLake.open(lakeDir);
    try {
      expect(
        await lake.rows(
          'SELECT orderid, quantity, dt FROM current_orders JOIN (SELECT DISTINCT orderid, dt FROM orders_cdc) USING (orderid) ORDER BY orderid',
        ),
      ).toEqual([
        { orderid: 'A', quantity: 2, dt: '2025-11-22' },
        { orderid: 'C', quantity: 3, dt: '2025-11-22' },
      ]);
    } finally {
      lake.close();
    }
  });

  it('answers over an empty lake with no rows rather than an error', async () => {
    const dir = makeTempDir('empty-lake');
    dirs.push(dir);
    const lake = await DuckDbLake.open(dir.path);
    try {
      expect(await lake.rows('SELECT count(*) AS n FROM current_orders')).toEqual([{ n: 0n }]);
    } finally {
      lake.close();
    }
  });
});
