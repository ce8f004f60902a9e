import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { PipelineError } from '../errors/pipeline-error.ts';
import {
  CURRENT_ORDERS_VIEW,
  currentStateInputs,
  currentStateViews,
  eventObjectKeys,
  readManifest,
} from './current-state.ts';
import { eventsIn, noEvents, readJson, readParquet } from './duckdb-sources.ts';
import { invalidSqlError } from './invalid-sql-error.ts';
import { TABLE_NAME } from './lake-layout.ts';
import { LakeObjectError, unreadableObjectIn } from './lake-object-error.ts';
import { ORDERS_CDC_PARTITION } from './orders-cdc-columns.ts';
import type { QueryEngine } from './query-engine.ts';
import { sqlString } from './sql-literal.ts';

/** DuckDB's words for an object listed or matched a moment ago that is no longer there. */
const OBJECT_VANISHED = /No files found that match|No such file or directory|Cannot open file/;

/** DuckDB's kinds of error for data it cannot read, which may come from a damaged object of the lake. */
const UNREADABLE_DATA = /^(Invalid|Invalid Input|IO|Serialization|INTERNAL) Error: /;

export interface DuckDbLakeOptions {
  /**
   * For SQL that users type (the dashboard's console): files readable only under the lake folder, no other
   * file, network or extension access, memory and threads capped, and the configuration locked so no
   * statement can undo any of it (docs/tooling.md, docs/reliability.md).
   */
  readonly lockedDown?: { readonly threads?: number; readonly memoryLimit?: string };
}

/**
 * DuckDB over the local lake folder, standing in for Athena over the Glue table: the view `orders_cdc` reads
 * every object under `orders_cdc/dt=…/` (the `dt` partition from the path), and `current_orders` the maintained
 * current state — the snapshot under `current_state/` and the objects it has not absorbed (current-state.ts).
 * It answers as the named view `current_orders` does over the whole history, as Athena runs it.
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
    try {
      await lake.refresh();
      await connection.run(CURRENT_ORDERS_VIEW);
    } catch (error) {
      lake.close();
      throw error;
    }
    return lake;
  }

  /**
   * Points the views at what the lake holds now: `orders_cdc` at the object formats there are, the current
   * state at its manifest's snapshot and the objects it has not absorbed. Every query does this first.
   */
  async refresh(): Promise<void> {
    const keys = eventObjectKeys(this.lakeDir);
    const inputs = currentStateInputs(readManifest(this.lakeDir), keys);
    const statements = [
      `CREATE OR REPLACE VIEW orders_cdc AS ${ordersCdcSource(this.lakeDir, keys)}`,
      ...currentStateViews(this.lakeDir, inputs),
    ];
    const source = statements.join(';\n');
    if (source === this.source) return;
    try {
      for (const statement of statements) await this.connection.run(statement);
    } catch (error) {
      throw await this.explained(error);
    }
    this.source = source;
  }

  /** Another connection to the same views (one runs a query at a time; a console needs its own). */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /**
   * Runs a statement over the lake as it is now. A compaction that replaces objects between the look at the
   * lake and the read (or empties a partition) makes it fail: then it looks at the lake again and runs once more.
   * Fails with a LakeObjectError naming an object that cannot be read, an InvalidSqlError for a statement
   * DuckDB refuses, or DuckDB's own error for anything else.
   */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    await this.refresh();
    const run = async () =>
      (await this.connection.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
    try {
      try {
        return await run();
      } catch (error) {
        if (!OBJECT_VANISHED.test(String(error))) throw error;
        await this.refresh();
        return await run();
      }
    } catch (error) {
      throw await this.explained(error, sql);
    }
  }

  /**
   * What a failure means to the user: an object of the lake that cannot be read (named by DuckDB, or found by
   * reading each object alone when DuckDB's message names none), a statement DuckDB refuses, or as it was.
   */
  private async explained(error: unknown, sql?: string): Promise<unknown> {
    if (error instanceof PipelineError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const unreadable =
      unreadableObjectIn(message, this.lakeDir) ??
      (UNREADABLE_DATA.test(message) ? await findUnreadableObject(this.lakeDir) : undefined);
    if (unreadable)
      return new LakeObjectError(unreadable.path, unreadable.reason, this.lakeDir, { cause: error });
    return (sql !== undefined && invalidSqlError(error, sql)) || error;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** The partition folders, as isEventObjectKey takes them: `dt=…`. */
const PARTITIONS = `${ORDERS_CDC_PARTITION.name}=*`;

/**
 * The lake's `orders_cdc` objects, whatever format the delivery wrote them in (Parquet, JSON lines, gzipped
 * JSON lines; a lake may hold several after a format change), or no rows with the table's columns while there
 * are none. Globs, so objects of a format already seen are read without a refresh.
 */
function ordersCdcSource(lakeDir: string, keys: readonly string[]): string {
  const root = join(lakeDir, TABLE_NAME);
  const has = (extension: string) => keys.some((key) => key.endsWith(extension));
  const sources: string[] = [];
  if (has('.parquet'))
    sources.push(`SELECT * FROM ${readParquet(sqlString(`${root}/${PARTITIONS}/*.parquet`))}`);
  const jsonGlobs = ['.json', '.json.gz']
    .filter(has)
    .map((extension) => sqlString(`${root}/${PARTITIONS}/*${extension}`));
  if (jsonGlobs.length > 0) sources.push(`SELECT * FROM ${readJson(`[${jsonGlobs.join(', ')}]`)}`);
  return sources.length > 0 ? sources.join(' UNION ALL BY NAME ') : noEvents();
}

/**
 * The first object of the lake that cannot be read on its own, every column of every row, with DuckDB's
 * reason; on a separate instance, since some read errors leave DuckDB's unusable.
 */
async function findUnreadableObject(lakeDir: string): Promise<{ path: string; reason: string } | undefined> {
  const reads = eventObjectKeys(lakeDir).map((key) => ({ key, read: eventsIn(lakeDir, [key]) }));
  const { snapshot } = readManifest(lakeDir);
  if (snapshot)
    reads.push({ key: snapshot, read: `SELECT * FROM read_parquet(${sqlString(join(lakeDir, snapshot))})` });
  if (reads.length === 0) return undefined;
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    for (const { key, read } of reads) {
      try {
        await connection.run(`SELECT max(hash(object)) FROM (${read}) AS object`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const path = join(lakeDir, key);
        return unreadableObjectIn(message, lakeDir) ?? { path, reason: message.split('\n')[0] ?? message };
      }
    }
    return undefined;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
