import { type DuckDBConnection, StatementType } from '@duckdb/node-api';
import { compactSqlMessage } from '../catalog/invalid-sql-error.ts';
import { PipelineError } from '../errors/pipeline-error.ts';

/** A console statement refused before it ran, or stopped: the message says why and what is allowed. */
export class ConsoleQueryError extends PipelineError {
  constructor(code: 'CONSOLE_REFUSED' | 'CONSOLE_TIMEOUT' | 'CONSOLE_FAILED', message: string) {
    super('dashboard', code, message);
  }
}

export interface ConsoleResult {
  readonly columns: readonly string[];
  /** JSON-safe values: big integers and decimals as text. */
  readonly rows: readonly unknown[][];
  /** True when the statement had more rows than `maxRows`; only the first `maxRows` are here. */
  readonly truncated: boolean;
  /** How many rows the statement had in all; undefined when counting them did not finish in time. */
  readonly totalRows: number | undefined;
  readonly elapsedMs: number;
}

export interface ConsoleLimits {
  readonly timeoutMs: number;
  readonly maxRows: number;
}

export const DEFAULT_CONSOLE_LIMITS: ConsoleLimits = { timeoutMs: 10_000, maxRows: 1_000 };

/**
 * Runs one statement typed by a user on a connection of a locked-down DuckDbLake: exactly one statement, and
 * only one DuckDB itself classifies as SELECT once prepared (so COPY, ATTACH, CREATE, SET, INSTALL, PRAGMA
 * writes never run — the lock-down blocks files outside the lake on top of that); interrupted after
 * `timeoutMs`; at most `maxRows` rows read.
 */
export async function runConsoleQuery(
  connection: DuckDBConnection,
  sql: string,
  limits: ConsoleLimits = DEFAULT_CONSOLE_LIMITS,
): Promise<ConsoleResult> {
  if (sql.trim() === '') throw new ConsoleQueryError('CONSOLE_REFUSED', 'Type a SELECT statement to run.');
  const started = performance.now();
  let prepared: Awaited<ReturnType<Awaited<ReturnType<DuckDBConnection['extractStatements']>>['prepare']>>;
  try {
    const statements = await connection.extractStatements(sql);
    if (statements.count !== 1) {
      throw new ConsoleQueryError(
        'CONSOLE_REFUSED',
        `The console runs one statement at a time; this text holds ${statements.count}. Run them one by one.`,
      );
    }
    prepared = await statements.prepare(0);
  } catch (error) {
    if (error instanceof ConsoleQueryError) throw error;
    throw new ConsoleQueryError('CONSOLE_FAILED', compactSqlMessage(duckdbMessage(error), sql));
  }
  const type = prepared.statementType;
  if (type !== StatementType.SELECT) {
    throw new ConsoleQueryError(
      'CONSOLE_REFUSED',
      `The console runs read-only SELECT statements only; this is a ${StatementType[type] ?? type} statement.`,
    );
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, limits.timeoutMs);
  try {
    const reader = await prepared.streamAndReadUntil(limits.maxRows + 1);
    const rows = reader.getRowsJson() as unknown[][];
    const truncated = rows.length > limits.maxRows;
    return {
      columns: reader.columnNames(),
      rows: rows.slice(0, limits.maxRows),
      truncated,
      totalRows: truncated ? await countRows(connection, sql) : rows.length,
      elapsedMs: performance.now() - started,
    };
  } catch (error) {
    if (timedOut) {
      throw new ConsoleQueryError(
        'CONSOLE_TIMEOUT',
        `The statement ran longer than ${limits.timeoutMs / 1000} s and was stopped. Narrow it (a WHERE on dt, a LIMIT).`,
      );
    }
    throw new ConsoleQueryError('CONSOLE_FAILED', compactSqlMessage(duckdbMessage(error), sql));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The rows of a statement cut short, counted by DuckDB without sending them (the statement once more, in the
 * time that is left); undefined when that is stopped.
 */
async function countRows(connection: DuckDBConnection, sql: string): Promise<number | undefined> {
  try {
    const counted = await connection.runAndReadAll(
      `SELECT count(*) AS n FROM (\n${withoutTrailing(sql)}\n) AS console_result`,
    );
    return Number(counted.getRowObjects()[0]?.n);
  } catch {
    return undefined;
  }
}

/** The statement without the semicolons and line comments it ends with, so that it can be a subquery. */
function withoutTrailing(sql: string): string {
  let text = sql.trim();
  for (let next = text; ; text = next) {
    next = text.replace(/(;|--[^\n]*)\s*$/, '').trimEnd();
    if (next === text) return text;
  }
}

/** DuckDB's message, without the client's "Failed to extract statements: " before the parser's own words. */
function duckdbMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error))
    .trim()
    .replace(/^Failed to \w+ statements?: /, '');
}
