import type { DuckDBResultReader } from '@duckdb/node-api';
import type { DuckDbLake } from '../../src/catalog/duckdb-lake.ts';
import { ScriptedAthena, type ScriptedQuery } from './scripted-athena.ts';

/** Athena's name for a DuckDB column type. */
function athenaType(duckdbType: string): string {
  const type = duckdbType.toUpperCase();
  if (type.startsWith('DECIMAL')) return type.toLowerCase();
  const names: Record<string, string> = {
    BIGINT: 'bigint',
    HUGEINT: 'bigint', // DuckDB sums integers into 128 bits; Trino into bigint
    INTEGER: 'integer',
    DOUBLE: 'double',
    BOOLEAN: 'boolean',
    VARCHAR: 'varchar',
  };
  return names[type] ?? 'varchar';
}

/** A DuckDB result as Athena would return it: typed columns, every value as text, NULL as no value. */
function asAthenaResult(reader: DuckDBResultReader, pageSize: number): ScriptedQuery {
  const columns = reader
    .columnNames()
    .map((name, i) => [name, athenaType(String(reader.columnType(i)))] as const);
  const rows = reader
    .getRows()
    .map((row) => row.map((value) => (value === null ? undefined : String(value))));
  const pages: (string | undefined)[][][] = [];
  for (let i = 0; i < rows.length; i += pageSize) pages.push(rows.slice(i, i + pageSize));
  return { columns, pages: pages.length > 0 ? pages : [[]] };
}

/**
 * Athena answering every query with what DuckDB computes over a lake folder, serialised as Athena serialises
 * results: typed columns, text values, the header row, pages of `pageSize` rows. A CREATE (the view
 * current_orders, which DuckDbLake keeps itself) is DDL with no rows; a statement DuckDB refuses FAILED, with
 * DuckDB's first line as the reason. `scannedBytes` gives each query's Statistics.DataScannedInBytes.
 */
export function athenaOverDuckDb(
  lake: DuckDbLake,
  options: { readonly pageSize?: number; readonly scannedBytes?: (sql: string) => number } = {},
): ScriptedAthena {
  const { pageSize = 1000, scannedBytes = () => 0 } = options;
  return new ScriptedAthena().answerWith(async (sql) => {
    if (/^\s*CREATE\b/i.test(sql)) return { statementType: 'DDL', substatementType: 'CREATE_VIEW' };
    await lake.refresh();
    try {
      const reader = await lake.connection.runAndReadAll(sql);
      return { ...asAthenaResult(reader, pageSize), dataScannedInBytes: scannedBytes(sql) };
    } catch (error) {
      return { states: ['FAILED'], stateChangeReason: (error as Error).message.split('\n')[0] };
    }
  });
}
