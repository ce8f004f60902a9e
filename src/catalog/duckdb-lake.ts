import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdbColumnsStruct, duckdbType } from './duckdb-columns.ts';
import { namedQuerySql } from './named-queries.ts';
import { ORDERS_CDC_COLUMNS, ORDERS_CDC_PARTITION } from './orders-cdc-columns.ts';
import type { QueryEngine } from './query-engine.ts';
import { sqlString } from './sql-literal.ts';

/** DuckDB's words for an object listed or matched a moment ago that is no longer there. */
const OBJECT_VANISHED = /No files found that match|No such file or directory|Cannot open file/;

export interface DuckDbLakeOptions {
  /**
   * For SQL that users type (the dashboard's console): files readable only under the lake folder, no other
   * file, network or extension access, memory and threads capped, and the configuration locked so no
   * statement can undo any of it (TOOLING.md, RELIABILITY.md).
   */
  readonly lockedDown?: { readonly threads?: number; readonly memoryLimit?: string };
}

/**
 * DuckDB over the local lake folder, standing in for Athena over the Glue table: the view `orders_cdc` reads
 * every object under `orders_cdc/dt=…/` (the `dt` partition from the path), and `current_orders` is the named
 * view over it.
 */
export class DuckDbLake implements QueryEngine {
  private source = '';

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly lakeDir: string,
  ) {}

  static async open(lakeDir: string, options: DuckDbLakeOptions = {}): Promise<DuckDbLake> {
    const { lockedDown } = options;
    const instance = await DuckDBInstance.create(
      ':memory:',
      lockedDown
        ? {
            threads: String(lockedDown.threads ?? 1),
            memory_limit: lockedDown.memoryLimit ?? '1GB',
            autoinstall_known_extensions: 'false',
            autoload_known_extensions: 'false',
          }
        : {},
    );
    const connection = await instance.connect();
    if (lockedDown) {
      await connection.run(`SET allowed_directories = [${sqlString(`${lakeDir}/`)}]`);
      await connection.run('SET parquet_metadata_cache = true');
      await connection.run('SET enable_external_access = false');
      await connection.run('SET lock_configuration = true');
    }
    const lake = new DuckDbLake(instance, connection, lakeDir);
    await lake.refresh();
    await connection.run(`CREATE VIEW current_orders AS ${namedQuerySql('current_orders')}`);
    return lake;
  }

  /**
   * Points `orders_cdc` at the object formats the lake holds now. Objects of a format already seen are picked
   * up by every query on their own; a long-lived reader calls this so the first object of a new format (or
   * the very first object) is seen too.
   */
  async refresh(): Promise<void> {
    const source = ordersCdcSource(this.lakeDir);
    if (source === this.source) return;
    await this.connection.run(`CREATE OR REPLACE VIEW orders_cdc AS ${source}`);
    this.source = source;
  }

  /** Another connection to the same views (one runs a query at a time; a console needs its own). */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /**
   * Runs a statement. Objects are globbed when it runs, so a compaction that replaces them between the glob
   * and the read (or empties a partition) makes it fail: then it looks at the lake again and runs once more.
   */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const run = async () =>
      (await this.connection.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
    try {
      return await run();
    } catch (error) {
      if (!OBJECT_VANISHED.test(String(error))) throw error;
      await this.refresh();
      return run();
    }
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
