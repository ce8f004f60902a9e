import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { vi } from 'vitest';
import { ParquetEncoder } from '../../src/lake/parquet-encoder.ts';
import { handler } from '../../src/transform/handler.ts';
import { base64Json, firehoseEvent } from './stream-records.ts';

/**
 * Writes the change events (stream records) through the transform into one object of a lake folder: Parquet
 * (the delivery's default), JSON lines, or gzipped JSON lines.
 */
export async function writeLakeOf(
  lakeDir: string,
  records: ReadonlyArray<Record<string, unknown>>,
  format: 'parquet' | 'json' | 'json.gz' = 'parquet',
): Promise<void> {
  const log = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const { records: rows } = await handler(firehoseEvent(records.map(base64Json)));
  log.mockRestore();
  const jsonLines = Buffer.concat(rows.map((r) => Buffer.from(r.data, 'base64')));
  let body: Uint8Array = jsonLines;
  if (format === 'parquet') {
    const encoder = await ParquetEncoder.create();
    body = await encoder.encode(jsonLines);
    await encoder.close();
  } else if (format === 'json.gz') body = gzipSync(jsonLines);
  mkdirSync(join(lakeDir, 'orders_cdc', 'dt=2025-11-22'), { recursive: true });
  writeFileSync(join(lakeDir, 'orders_cdc', 'dt=2025-11-22', `part-${format}.${format}`), body);
}

/** A DuckDB row with JavaScript values: bigints as numbers, decimals and other DuckDB values as their text. */
export function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      typeof value === 'bigint'
        ? Number(value)
        : value !== null && typeof value === 'object'
          ? String(value)
          : value,
    ]),
  );
}
