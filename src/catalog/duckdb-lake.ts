import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdbColumnsStruct, duckdbType } from './duckdb-columns.ts';
import { namedQuerySql } from './named-queries.ts';
import { ORDERS_CDC_COLUMNS, ORDERS_CDC_PARTITION } from './orders-cdc-columns.ts';
import type { QueryEngine } from './query-engine.ts';
import { sqlString } from './sql-literal.ts';

/**
 * DuckDB over the local lake folder, standing in for Athena over the Glue table: the view `orders_cdc` reads
 * every object under `orders_cdc/dt=…/` (the `dt` partition from the path), and `current_orders` is the named
 * view over it.
 */
export class DuckDbLake implements QueryEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(lakeDir: string): Promise<DuckDbLake> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`CREATE VIEW orders_cdc AS ${ordersCdcSource(lakeDir)}`);
    await connection.run(`CREATE VIEW current_orders AS ${namedQuerySql('current_orders')}`);
    return new DuckDbLake(instance, connection);
  }

  async rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * The lake's `orders_cdc` objects, whatever format the delivery wrote them in (Parquet, JSON lines, gzipped
 * JSON lines; a lake may hold several after a format change), or an empty relation with the table's columns
 * while there are none. JSON lines are read with the table's own column types, as the Glue table types them.
 */
function ordersCdcSource(lakeDir: string): string {
  const root = join(lakeDir, 'orders_cdc');
  const names = existsSync(root) ? readdirSync(root, { recursive: true }).map(String) : [];
  const has = (extension: string) => names.some((name) => name.endsWith(extension));
  const hive = `hive_partitioning = true, hive_types = {${sqlString(ORDERS_CDC_PARTITION.name)}: VARCHAR}`;
  const sources: string[] = [];
  if (has('.parquet')) {
    sources.push(
      `SELECT * FROM read_parquet(${sqlString(`${root}/*/*.parquet`)}, ${hive}, union_by_name = true)`,
    );
  }
  const jsonGlobs = ['.json', '.json.gz']
    .filter(has)
    .map((extension) => sqlString(`${root}/*/*${extension}`));
  if (jsonGlobs.length > 0) {
    sources.push(
      `SELECT * FROM read_json([${jsonGlobs.join(', ')}], format = 'newline_delimited', ` +
        `columns = ${duckdbColumnsStruct()}, ${hive})`,
    );
  }
  if (sources.length > 0) return sources.join(' UNION ALL BY NAME ');
  const columns = ORDERS_CDC_COLUMNS.map((c) => `CAST(NULL AS ${duckdbType(c)}) AS ${c.name}`).join(', ');
  return `SELECT ${columns}, CAST(NULL AS VARCHAR) AS ${ORDERS_CDC_PARTITION.name} WHERE false`;
}
