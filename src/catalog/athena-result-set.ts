import type { ColumnInfo, QueryExecution, Row } from '@aws-sdk/client-athena';

/**
 * Whether the first row of a result's FIRST page is the header (the column labels) rather than data.
 * Only a SELECT's is: DDL (CREATE VIEW), UTILITY (SHOW, DESCRIBE) and the other DML (CTAS, INSERT INTO)
 * start with data or have no rows at all. Later pages never repeat the header. The API reference does not
 * say this; GetQueryExecution's StatementType and SubstatementType tell the statements apart.
 */
export function startsWithHeaderRow(execution: QueryExecution): boolean {
  if (execution.StatementType !== 'DML') return false;
  return (execution.SubstatementType ?? 'SELECT').toUpperCase() === 'SELECT';
}

/** A result row as column name → value, names and types from ResultSetMetadata.ColumnInfo. */
export function resultRecord(columns: readonly ColumnInfo[], row: Row): Record<string, unknown> {
  const data = row.Data ?? [];
  return Object.fromEntries(
    columns.map((column, i) => [column.Name ?? `_col${i}`, athenaValue(column.Type, data[i]?.VarCharValue)]),
  );
}

/**
 * Athena returns every value as text; its column type says what it was. A Datum without VarCharValue is SQL
 * NULL (an empty string has one: ""). Numbers that JavaScript holds exactly become numbers (a bigint beyond
 * 2^53 stays its decimal text, as `plainValue` does for DuckDB's); decimal, date, timestamp, varchar and
 * everything else stay text, so no digit is lost.
 */
export function athenaValue(type: string | undefined, text: string | undefined): unknown {
  if (text === undefined) return null;
  switch ((type ?? '').toLowerCase().replace(/\(.*$/, '').trim()) {
    case 'boolean':
      return text === 'true';
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'integer':
    case 'double':
    case 'float':
    case 'real':
      return Number(text);
    case 'bigint':
      return Number.isSafeInteger(Number(text)) ? Number(text) : text;
    default:
      return text;
  }
}
