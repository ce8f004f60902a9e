import { readdirSync, readFileSync } from 'node:fs';

const SQL_DIR = new URL('./sql/', import.meta.url);

/** The named queries: `src/catalog/sql/<name>.sql`, written in the SQL both Athena and DuckDB run. */
export function namedQueries(): string[] {
  return readdirSync(SQL_DIR)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -4))
    .sort();
}

export function namedQuerySql(name: string): string {
  if (!namedQueries().includes(name)) throw new Error(`no named query ${JSON.stringify(name)}`);
  return readFileSync(new URL(`${name}.sql`, SQL_DIR), 'utf8');
}

/** What a named query is for: the first comment line of its file. */
export function namedQuerySummary(name: string): string {
  return /^--\s*[\w]+:\s*(.*)$/m.exec(namedQuerySql(name))?.[1] ?? '';
}
