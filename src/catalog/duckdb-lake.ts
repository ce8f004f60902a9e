import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdbType } from './duckdb-columns.ts';
import { namedQuerySql } from './named-queries.ts';
import { ORDERS_CDC_COLUMNS, ORDERS_CDC_PARTITION } from './orders-cdc-columns.ts';
import { sqlString } from './sql-literal.ts';

/**
 * DuckDB over the local lake folder, standing in for Athena over the Glue table: the view `orders_cdc` reads
 * every Parquet object under `orders_cdc/dt=…/` (the `dt` partition from the path), and `current_orders` is
 * the named view over it.
 */
export class DuckDbLake {
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

/** The lake's `orders_cdc` objects, or an empty relation with the table's columns while there are none. */
function ordersCdcSource(lakeDir: string): string {
  const root = join(lakeDir, 'orders_cdc');
  const hasParquet =
    existsSync(root) &&
    readdirSync(root, { recursive: true }).some((name) => String(name).endsWith('.parquet'));
  if (hasParquet) {
    const hiveTypes = `{${sqlString(ORDERS_CDC_PARTITION.name)}: VARCHAR}`;
    return `SELECT * FROM read_parquet(${sqlString(`${root}/*/*.parquet`)}, hive_partitioning = true, hive_types = ${hiveTypes}, union_by_name = true)`;
  }
  const columns = ORDERS_CDC_COLUMNS.map((c) => `CAST(NULL AS ${duckdbType(c)}) AS ${c.name}`).join(', ');
  return `SELECT ${columns}, CAST(NULL AS VARCHAR) AS ${ORDERS_CDC_PARTITION.name} WHERE false`;
}
