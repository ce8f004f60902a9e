/**
 * Where SQL over the lake runs: DuckDB over the local lake folder, or Athena over the Glue table.
 *
 * Both see the same relations (`orders_cdc`, every change event, and the view `current_orders`) and run the
 * named queries of `src/catalog/sql/`, written in the SQL both engines share. Callers open one engine per
 * command, call `rows` any number of times (one statement per call), then `close` it once.
 */
export interface QueryEngine {
  /**
   * Runs one statement and returns its rows as column name → value. Values are plain JavaScript where the
   * engine can say so exactly; DuckDB may still return `bigint` and decimal objects (see `plainValue` in
   * `src/catalog/plain-value.ts`), Athena gives numbers, booleans, strings and `null`.
   */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** Releases what the engine holds (a DuckDB instance, an SDK client it created); no `rows` after this. */
  close(): void | Promise<void>;
}
