import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { plannedFirehoseRecords } from '../../bench/planned-records.ts';
import { makeTempDir } from '../../test/helpers/temp-dir.ts';
import { ORDERS_CDC_COLUMNS } from '../catalog/orders-cdc-columns.ts';
import { handler } from '../transform/handler.ts';
import { ParquetEncoder } from './parquet-encoder.ts';

const dir = makeTempDir('parquet');
afterAll(() => dir.remove());

async function rowsOf(count: number): Promise<Buffer> {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const { records } = await handler({
    invocationId: 'x',
    deliveryStreamArn: 'a',
    region: 'r',
    records: plannedFirehoseRecords(count, 'parquet'),
  });
  vi.restoreAllMocks();
  return Buffer.concat(records.map((r) => Buffer.from(r.data, 'base64')));
}

describe('ParquetEncoder', () => {
  it('writes orders_cdc rows as Parquet that DuckDB reads back with the table’s types and exact values', async () => {
    const lines = await rowsOf(500);
    const encoder = await ParquetEncoder.create();
    const parquet = await encoder.encode(lines);
    await encoder.close();
    expect(Buffer.from(parquet.subarray(0, 4)).toString()).toBe('PAR1');
    const path = join(dir.path, 'rows.parquet');
    writeFileSync(path, parquet);

    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const schema = (
      await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`)
    ).getRowObjects();
    expect(schema.map((c) => [c.column_name, c.column_type])).toEqual(
      ORDERS_CDC_COLUMNS.map((c) => [
        c.name,
        {
          string: 'VARCHAR',
          int: 'INTEGER',
          bigint: 'BIGINT',
          boolean: 'BOOLEAN',
          'decimal(12,2)': 'DECIMAL(12,2)',
        }[c.type],
      ]),
    );
    const read = (
      await connection.runAndReadAll(
        `SELECT event_id, CAST(price AS VARCHAR) AS price, quantity, event_time_ms FROM read_parquet('${path}')`,
      )
    ).getRowObjects();
    const expected = lines
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(read).toHaveLength(500);
    read.forEach((row, i) => {
      const want = expected[i];
      expect(row.event_id).toBe(want.event_id);
      expect(row.price === null ? null : Number(row.price).toFixed(2)).toBe(
        want.price === null ? null : Number(want.price).toFixed(2),
      );
      expect(row.quantity).toBe(want.quantity);
      expect(Number(row.event_time_ms)).toBe(want.event_time_ms);
    });
    connection.closeSync();
    db.closeSync();
  });
});
