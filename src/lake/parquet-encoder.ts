import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdbColumnsStruct } from '../catalog/duckdb-columns.ts';
import { sqlString } from '../catalog/sql-literal.ts';

/**
 * Turns `orders_cdc` JSON lines into a Parquet file (Snappy, as Firehose's record format conversion writes) with
 * the table's own column types, through DuckDB: the fastest Parquet writer on this stack (docs/tooling.md).
 */
export class ParquetEncoder {
  private files = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly workDir: string,
  ) {}

  static async create(): Promise<ParquetEncoder> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    return new ParquetEncoder(instance, connection, await mkdtemp(join(tmpdir(), 'gadget-cdc-parquet-')));
  }

  async encode(jsonLines: Uint8Array): Promise<Uint8Array> {
    const n = ++this.files;
    const input = join(this.workDir, `rows-${n}.json`);
    const output = join(this.workDir, `rows-${n}.parquet`);
    await writeFile(input, jsonLines);
    try {
      await this.connection.run(
        `COPY (SELECT * FROM read_json(${sqlString(input)}, format = 'newline_delimited', columns = ${duckdbColumnsStruct()})) ` +
          `TO ${sqlString(output)} (FORMAT parquet, COMPRESSION snappy)`,
      );
      return await readFile(output);
    } finally {
      await rm(input, { force: true });
      await rm(output, { force: true });
    }
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.workDir, { recursive: true, force: true });
  }
}
