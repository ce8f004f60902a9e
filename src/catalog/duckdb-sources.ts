import { join } from 'node:path';
import { duckdbColumnsStruct, duckdbType } from './duckdb-columns.ts';
import { ORDERS_CDC_COLUMNS, ORDERS_CDC_PARTITION } from './orders-cdc-columns.ts';
import { sqlString } from './sql-literal.ts';

/** The formats an `orders_cdc` object may have (Parquet, or the transform's JSON lines, gzipped or not). */
export const EVENT_OBJECT = /\.(parquet|json|json\.gz)$/;

const HIVE = `hive_partitioning = true, hive_types = {${sqlString(ORDERS_CDC_PARTITION.name)}: VARCHAR}`;

/** Parquet objects (`files`: a SQL string, glob or list of them), as the views read them. */
export function readParquet(files: string): string {
  return `read_parquet(${files}, ${HIVE}, union_by_name = true)`;
}

/** JSON-lines objects, gzipped or not, typed by the table's own columns as the Glue table types them. */
export function readJson(files: string): string {
  return `read_json(${files}, format = 'newline_delimited', columns = ${duckdbColumnsStruct()}, ${HIVE})`;
}

/** No rows, with the table's columns and its partition: what a view reads while there is nothing. */
export function noEvents(): string {
  const columns = ORDERS_CDC_COLUMNS.map((c) => `CAST(NULL AS ${duckdbType(c)}) AS ${c.name}`).join(', ');
  return `SELECT ${columns}, CAST(NULL AS VARCHAR) AS ${ORDERS_CDC_PARTITION.name} WHERE false`;
}

/** The rows of exactly these `orders_cdc` objects (keys of the lake folder `lakeDir`), whatever their formats. */
export function eventsIn(lakeDir: string, keys: readonly string[]): string {
  const list = (predicate: (key: string) => boolean) =>
    keys.filter(predicate).map((key) => sqlString(join(lakeDir, ...key.split('/'))));
  const parquet = list((key) => key.endsWith('.parquet'));
  const json = list((key) => !key.endsWith('.parquet'));
  const sources = [
    ...(parquet.length > 0 ? [`SELECT * FROM ${readParquet(`[${parquet.join(', ')}]`)}`] : []),
    ...(json.length > 0 ? [`SELECT * FROM ${readJson(`[${json.join(', ')}]`)}`] : []),
  ];
  return sources.length > 0 ? sources.join(' UNION ALL BY NAME ') : noEvents();
}
