/** A SQL string literal (paths, globs) for DuckDB and Athena: single quotes, inner quotes doubled. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
