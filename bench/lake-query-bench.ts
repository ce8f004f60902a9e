import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdbColumnsStruct } from '../src/catalog/duckdb-columns.ts';
import { DuckDbLake } from '../src/catalog/duckdb-lake.ts';
import { namedQuerySql } from '../src/catalog/named-queries.ts';
import { ORDERS_CDC_COLUMNS } from '../src/catalog/orders-cdc-columns.ts';
import { sqlString } from '../src/catalog/sql-literal.ts';
import { percentile } from '../src/observe/change-freshness.ts';
import { plannedFirehoseRecords, transformedRows } from './planned-records.ts';

/** Real rows per block: planned by the generator and made by the transform, then repeated as new orders. */
const BLOCK = 100_000;
const DAYS = 10;

export interface LakeQueryFigures {
  readonly events: number;
  readonly format: 'parquet' | 'json';
  readonly bytes: number;
  readonly objects: number;
  readonly runsMs: readonly number[];
}

/**
 * `revenue_by_product` (over `current_orders`: the latest event per order, then the sum) on a lake of
 * `events` change events, once as Parquet (Snappy, as the delivery writes it) and once as JSON lines, with the
 * lake's bytes. The lake: blocks of 100,000 real rows (the order generator's changes through the transform),
 * each block repeated with new order ids, event ids and sequence numbers so every order and event is distinct,
 * spread over ten `dt` partitions of one object each (as `gadget-cdc compact` leaves a lake).
 */
export async function lakeQueryFigures(
  dir: string,
  events: number,
  runs: number,
): Promise<LakeQueryFigures[]> {
  const blocks = Math.max(1, Math.round(events / BLOCK));
  const block = Math.min(events, BLOCK);
  const lakes = (['parquet', 'json'] as const).map((format) => ({
    format,
    lakeDir: join(dir, `lake-${events}-${format}`),
  }));
  const instance = await DuckDBInstance.create(':memory:', { temp_directory: join(dir, 'duckdb-tmp') });
  const connection = await instance.connect();
  try {
    await loadBlock(connection, dir, block);
    for (const { format, lakeDir } of lakes) await writeLake(connection, lakeDir, format, blocks, block);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  // Flushed before timing, so the queries do not race the disk's write-back of the lakes just written.
  execFileSync('sync');
  const figures: LakeQueryFigures[] = [];
  for (const { format, lakeDir } of lakes) {
    const objects = listFiles(join(lakeDir, 'orders_cdc'));
    figures.push({
      events: blocks * block,
      format,
      bytes: objects.reduce((sum, file) => sum + statSync(file).size, 0),
      objects: objects.length,
      runsMs: await timeQuery(lakeDir, runs),
    });
  }
  return figures;
}

/** The block of real rows as the table `block` (with its row number `i`). */
export async function loadBlock(connection: DuckDBConnection, dir: string, size: number): Promise<void> {
  const file = join(dir, `block-${size}.json`);
  writeFileSync(file, await transformedRows(plannedFirehoseRecords(size, 'bench-lake-query')));
  await connection.run(
    `CREATE OR REPLACE TABLE block AS SELECT *, row_number() OVER () - 1 AS i FROM read_json(${sqlString(file)}, ` +
      `format = 'newline_delimited', columns = ${duckdbColumnsStruct()})`,
  );
}

/** Writes `blocks` copies of the block, each with distinct orders and events, as one object per day. */
export async function writeLake(
  connection: DuckDBConnection,
  lakeDir: string,
  format: 'parquet' | 'json',
  blocks: number,
  block: number,
): Promise<void> {
  const columns = copiedColumns({
    eventId: `md5(event_id || '/' || rep)`,
    sequenceNumber: `CAST(100000000000000000000::HUGEINT + (rep * ${block} + i) * 100 AS VARCHAR)`,
  });
  const options = format === 'parquet' ? 'FORMAT parquet, COMPRESSION snappy' : 'FORMAT json';
  const perDay = Math.ceil(blocks / DAYS);
  for (let day = 0; day * perDay < blocks; day++) {
    const dt = new Date(Date.UTC(2026, 10, 1 + day)).toISOString().slice(0, 10);
    const folder = join(lakeDir, 'orders_cdc', `dt=${dt}`);
    mkdirSync(folder, { recursive: true });
    const reps = `range(${day * perDay}, ${Math.min(blocks, (day + 1) * perDay)}) AS r(rep)`;
    await connection.run(
      `COPY (SELECT ${columns} FROM (SELECT *, 'ORD-' || upper(substr(md5(orderid || '/' || rep), 1, 12)) AS copy_orderid ` +
        `FROM ${reps}, block) ORDER BY rep, i) TO ${sqlString(join(folder, `part.${format}`))} (${options})`,
    );
  }
}

/**
 * The table's columns of a copy of the block (`rep`) for a new order `copy_orderid`: the order id replaced in
 * its column and its image, each event given its own id and sequence number by the SQL expressions given.
 */
export function copiedColumns(fresh: { eventId: string; sequenceNumber: string }): string {
  const renamed: Record<string, string> = {
    orderid: 'copy_orderid',
    image_json: 'replace(image_json, orderid, copy_orderid)',
    event_id: fresh.eventId,
    sequence_number: fresh.sequenceNumber,
  };
  return ORDERS_CDC_COLUMNS.map(({ name }) => `${renamed[name] ?? name} AS ${name}`).join(', ');
}

/** Runs the query `runs` times on one DuckDB over the lake (the first run reads the objects' metadata). */
async function timeQuery(lakeDir: string, runs: number): Promise<number[]> {
  const sql = namedQuerySql('revenue_by_product');
  const lake = await DuckDbLake.open(lakeDir);
  try {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const rows = await lake.rows(sql);
      times.push(performance.now() - started);
      if (rows.length === 0) throw new Error(`revenue_by_product found no rows in ${lakeDir}`);
    }
    return times;
  } finally {
    lake.close();
  }
}

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true })
    .map((name) => join(root, String(name)))
    .filter((path) => statSync(path).isFile());
}

export function formatLakeQueryFigures(figures: readonly LakeQueryFigures[]): string[] {
  const median = (runs: readonly number[]) =>
    percentile(
      [...runs].sort((a, b) => a - b),
      0.5,
    ) ?? 0;
  const lines = figures.map(
    (f) =>
      `  ${f.events.toLocaleString('en-US').padStart(10)} events ${f.format.padEnd(7)}: revenue_by_product ` +
      `${(median(f.runsMs) / 1000).toFixed(2)} s (median of ${f.runsMs.length}), lake ${(f.bytes / 2 ** 20).toFixed(0)} MiB ` +
      `in ${f.objects} objects, ${(f.bytes / f.events).toFixed(0)} bytes/event`,
  );
  const parquet = figures.find((f) => f.format === 'parquet');
  const json = figures.find((f) => f.format === 'json');
  if (parquet && json) {
    lines.push(
      `  ${parquet.events.toLocaleString('en-US').padStart(10)} events: Parquet ${(median(json.runsMs) / median(parquet.runsMs)).toFixed(1)}× faster, ` +
        `${(json.bytes / parquet.bytes).toFixed(1)}× smaller than JSON lines`,
    );
  }
  return lines;
}
