import { type DuckDBConnection, StatementType } from '@duckdb/node-api';
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
    throw new ConsoleQueryError('CONSOLE_FAILED', duckdbMessage(error));
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
    return {
      columns: reader.columnNames(),
      rows: rows.slice(0, limits.maxRows),
      truncated: rows.length > limits.maxRows,
      elapsedMs: performance.now() - started,
    };
  } catch (error) {
    if (timedOut) {
      throw new ConsoleQueryError(
        'CONSOLE_TIMEOUT',
        `The statement ran longer than ${limits.timeoutMs / 1000} s and was stopped. Narrow it (a WHERE on dt, a LIMIT).`,
      );
    }
    throw new ConsoleQueryError('CONSOLE_FAILED', duckdbMessage(error));
  } finally {
    clearTimeout(timer);
  }
}

function duckdbMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim();
}
