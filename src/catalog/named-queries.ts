import { readFileSync } from 'node:fs';

/** A named query's SQL, from `src/catalog/sql/<name>.sql` (the same text runs on DuckDB and Athena). */
export function namedQuerySql(name: 'current_orders'): string {
  return readFileSync(new URL(`./sql/${name}.sql`, import.meta.url), 'utf8');
}
