import { ORDERS_CDC_COLUMNS, type OrdersCdcColumn } from './orders-cdc-columns.ts';

const DUCKDB_TYPES: Record<OrdersCdcColumn['type'], string> = {
  string: 'VARCHAR',
  int: 'INTEGER',
  bigint: 'BIGINT',
  boolean: 'BOOLEAN',
  'decimal(12,2)': 'DECIMAL(12,2)',
};

export function duckdbType(column: OrdersCdcColumn): string {
  return DUCKDB_TYPES[column.type];
}

/** The `orders_cdc` columns as DuckDB's read_json `columns` struct: `{'orderid': 'VARCHAR', …}`. */
export function duckdbColumnsStruct(): string {
  return `{${ORDERS_CDC_COLUMNS.map((column) => `'${column.name}': '${duckdbType(column)}'`).join(', ')}}`;
}
