import { type AthenaScan, NO_SCAN, withQuery } from '../catalog/athena-cost.ts';
import {
  type AthenaApi,
  AthenaEngine,
  type AthenaEngineOptions,
  type AthenaQueryStatistics,
} from '../catalog/athena-engine.ts';
import { PipelineError } from '../errors/pipeline-error.ts';
import { type ConsoleLimits, ConsoleQueryError, type ConsoleResult } from './sql-console.ts';

/**
 * On Athena a query waits in a queue and is planned before it reads a byte: 10 s, the local limit, would stop
 * ordinary statements. The workgroup's own per-query scan limit (BytesScannedCutoffPerQuery) holds as well.
 */
export const DEFAULT_ATHENA_CONSOLE_LIMITS: ConsoleLimits = { timeoutMs: 60_000, maxRows: 1_000 };

/** A console statement's answer on Athena, with what it scanned and cost. */
export interface AthenaConsoleResult extends ConsoleResult {
  readonly athena: AthenaScan;
}

/**
 * Why a statement may not run in the console, or undefined when it is one read-only query. Athena has no way to
 * classify a statement before it runs it (DuckDB's prepare), so this is read from its text, the way Trino's
 * lexer reads it: comments (`-- …`, `/* … *\/`), string literals ('…', '' inside) and quoted identifiers ("…",
 * "" inside) are passed over; what is left must be one statement (a `;` only at its end) starting with SELECT or
 * WITH (after opening parentheses, if any). In Trino a WITH only ever opens a query, so neither can write.
 */
export function consoleRefusal(sql: string): string | undefined {
  let code: string;
  try {
    code = codeOf(sql).trim().replace(/;\s*$/, '');
  } catch (error) {
    return (error as Error).message;
  }
  if (code === '') return 'Type a SELECT statement to run.';
  if (code.includes(';')) {
    const count = code.split(';').filter((part) => part.trim() !== '').length;
    return `The console runs one statement at a time; this text holds ${count}. Run them one by one.`;
  }
  const keyword = /^[(\s]*([A-Za-z_]+)/.exec(code)?.[1]?.toUpperCase() ?? code.slice(0, 20);
  if (keyword !== 'SELECT' && keyword !== 'WITH')
    return `The console runs read-only SELECT statements only; this is a ${keyword} statement.`;
  return undefined;
}

/** The statement with comments, string literals and quoted identifiers blanked (each kept as one space). */
function codeOf(sql: string): string {
  let code = '';
  let i = 0;
  const skipTo = (end: string, from: number, what: string) => {
    const at = sql.indexOf(end, from);
    if (at < 0) throw new Error(`The statement has an unterminated ${what}.`);
    return at + end.length;
  };
  while (i < sql.length) {
    const two = sql.slice(i, i + 2);
    const char = sql[i] as string;
    if (two === '--') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (two === '/*') {
      i = skipTo('*/', i + 2, 'comment');
    } else if (char === "'" || char === '"') {
      // A quote doubled inside is the character itself: the literal goes on past it.
      let end = skipTo(char, i + 1, char === "'" ? 'string' : 'quoted identifier');
      while (sql[end] === char) end = skipTo(char, end + 1, char === "'" ? 'string' : 'quoted identifier');
      i = end;
    } else {
      code += char;
      i++;
      continue;
    }
    code += ' ';
  }
  return code;
}

/**
 * The console on Athena: one statement at a time (each one is billed), refused before it runs unless it is one
 * read-only query (`consoleRefusal`), stopped with StopQueryExecution after `limits.timeoutMs`, at most
 * `limits.maxRows` rows read. Once it ran, Athena's own StatementType must say it was a SELECT too, or its rows
 * are not shown. The workgroup's settings, its scan limit among them, are never overridden.
 */
export class AthenaConsole {
  private running = false;
  private readonly engine: AthenaEngine;
  private ran: AthenaQueryStatistics[] = [];

  constructor(
    client: AthenaApi,
    engineOptions: AthenaEngineOptions,
    private readonly limits: ConsoleLimits,
    private readonly pricePerTbUsd: number,
  ) {
    this.engine = new AthenaEngine(client, {
      ...engineOptions,
      timeoutMs: limits.timeoutMs,
      maxRows: limits.maxRows + 1,
      onQueryStatistics: (statistics) => {
        this.ran.push(statistics);
        engineOptions.onQueryStatistics?.(statistics);
      },
    });
  }

  async run(sql: string): Promise<AthenaConsoleResult> {
    const refusal = consoleRefusal(sql);
    if (refusal) throw new ConsoleQueryError('CONSOLE_REFUSED', refusal);
    if (this.running)
      throw new ConsoleQueryError(
        'CONSOLE_REFUSED',
        'A console statement is still running on Athena: wait for it (one at a time, each is billed).',
      );
    this.running = true;
    this.ran = [];
    const started = performance.now();
    try {
      const rows = await this.engine.rows(sql);
      // The last query is the statement itself (the view current_orders may have been created before it).
      const statement = this.ran.at(-1);
      if (statement?.statementType !== 'DML' || statement.substatementType !== 'SELECT')
        throw new ConsoleQueryError(
          'CONSOLE_REFUSED',
          `Athena ran this as a ${statement?.statementType ?? 'statement of no type'}` +
            `${statement?.substatementType ? ` (${statement.substatementType})` : ''}, not a SELECT: its result is not shown.`,
        );
      const truncated = rows.length > this.limits.maxRows;
      const shown = rows.slice(0, this.limits.maxRows);
      const columns = Object.keys(rows[0] ?? {});
      return {
        columns,
        rows: shown.map((row) => columns.map((column) => row[column])),
        truncated,
        // Counting the rest would be the statement once more: scanned, and billed, again.
        totalRows: truncated ? undefined : rows.length,
        elapsedMs: performance.now() - started,
        athena: this.ran.reduce(
          (scan, statistics) => withQuery(scan, statistics, this.pricePerTbUsd),
          NO_SCAN,
        ),
      };
    } catch (error) {
      throw consoleError(error, this.limits);
    } finally {
      this.running = false;
    }
  }
}

/** An Athena failure as the console says it: a timeout as a timeout, anything else in Athena's words. */
function consoleError(error: unknown, limits: ConsoleLimits): unknown {
  if (error instanceof ConsoleQueryError || !(error instanceof PipelineError)) return error;
  if (error.code === 'ATHENA_QUERY_TIMEOUT')
    return new ConsoleQueryError(
      'CONSOLE_TIMEOUT',
      `The statement ran longer than ${limits.timeoutMs / 1000} s and was stopped (StopQueryExecution). ` +
        'Narrow it (a WHERE on dt, a LIMIT).',
    );
  return new ConsoleQueryError('CONSOLE_FAILED', error.message);
}
