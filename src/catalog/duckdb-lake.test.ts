import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLakeOf } from '../../test/helpers/lake-of-events.ts';
import { ORDER_IMAGE, streamRecord } from '../../test/helpers/stream-records.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { DuckDbLake } from './duckdb-lake.ts';
import { InvalidSqlError } from './invalid-sql-error.ts';
import { LakeObjectError } from './lake-object-error.ts';

const dirs: Array<{ path: string; remove(): void }> = [];
afterAll(() => {
  for (const dir of dirs) dir.remove();
});

const order = (orderid: string, quantity: number) => ({
  ...ORDER_IMAGE,
  orderid: { S: orderid },
  quantity: { N: String(quantity) },
});

/** A lake holding the given change events as one object of each format given. */
async function lakeOf(
  records: Array<Record<string, unknown>>,
  formats: Array<'parquet' | 'json' | 'json.gz'> = ['parquet'],
): Promise<string> {
  const dir = makeTempDir('duckdb-lake');
  dirs.push(dir);
  for (const format of formats) await writeLakeOf(dir.path, records, format);
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

  it('reads JSON-lines and gzipped JSON-lines objects with the table’s types, beside Parquet ones', async () => {
    const records = [
      streamRecord({ eventName: 'INSERT', newImage: order('A', 1), sequenceNumber: '1', eventID: 'a1' }),
      streamRecord({ eventName: 'INSERT', newImage: order('B', 4), sequenceNumber: '2', eventID: 'b1' }),
    ];
    const query =
      'SELECT orderid, quantity, price, dt, count(*) AS copies FROM orders_cdc GROUP BY ALL ORDER BY orderid';
    const answers: unknown[] = [];
    for (const formats of [['json'], ['json.gz'], ['parquet', 'json', 'json.gz']] as const) {
      const lake = await DuckDbLake.open(await lakeOf(records, [...formats]));
      try {
        answers.push((await lake.rows(query)).map((row) => ({ ...row, price: String(row.price) })));
      } finally {
        lake.close();
      }
    }
    const price = '1299.90'; // ORDER_IMAGE's 1299.9 as decimal(12,2)
    const expected = (copies: bigint) => [
      { orderid: 'A', quantity: 1, price, dt: '2025-11-22', copies },
      { orderid: 'B', quantity: 4, price, dt: '2025-11-22', copies },
    ];
    expect(answers).toEqual([expected(1n), expected(1n), expected(3n)]);
  });

  it('looks again when objects vanish under it (a compaction replacing them, a partition emptied)', async () => {
    const lakeDir = await lakeOf([
      streamRecord({ eventName: 'INSERT', newImage: order('A', 1), sequenceNumber: '1', eventID: 'a1' }),
    ]);
    const lake = await DuckDbLake.open(lakeDir);
    try {
      expect(await lake.rows('SELECT count(*) AS n FROM orders_cdc')).toEqual([{ n: 1n }]);
      rmSync(join(lakeDir, 'orders_cdc'), { recursive: true });
      expect(await lake.rows('SELECT count(*) AS n FROM current_orders')).toEqual([{ n: 0n }]);
    } finally {
      lake.close();
    }
  });

  it('names an object it cannot read, even when DuckDB’s message does not (data pages damaged)', async () => {
    const records = Array.from({ length: 300 }, (_, i) =>
      streamRecord({ eventName: 'INSERT', newImage: order(`O${i}`, 1 + (i % 5)), eventID: `o${i}` }),
    );
    const lakeDir = await lakeOf(records);
    const partition = join(lakeDir, 'orders_cdc', 'dt=2025-11-22');
    const bytes = readFileSync(join(partition, 'part-parquet.parquet'));
    // The footer (at the end) stays whole, so the file opens; its pages no longer decode.
    for (let i = 200; i < bytes.length - 2_000; i++) bytes[i] = ((bytes[i] ?? 0) * 7 + 13) & 255;
    const damaged = join(partition, 'pages-damaged.parquet');
    writeFileSync(damaged, bytes);
    const failure = (async () => {
      const lake = await DuckDbLake.open(lakeDir);
      try {
        return await lake.rows('SELECT sum(quantity), max(image_json) FROM orders_cdc');
      } finally {
        lake.close();
      }
    })();
    const error = await failure.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LakeObjectError);
    expect(error).toMatchObject({ path: damaged });
    // DuckDB read the lake as a whole and named no object ("TProtocolException: Invalid data"): it was found.
    expect(String((error as Error).cause)).not.toContain('pages-damaged');
  });

  it('says where a statement it refuses is wrong', async () => {
    const dir = makeTempDir('bad-sql');
    dirs.push(dir);
    const lake = await DuckDbLake.open(dir.path);
    try {
      const failure = lake.rows('SELECT orderid\nFROM current_orders WHERE quantiti > 1');
      await expect(failure).rejects.toThrow(InvalidSqlError);
      await expect(failure).rejects.toThrow(/"quantiti" not found .* \(line 2, column 27: "quantiti > 1"\)/);
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
