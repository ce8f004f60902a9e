import { PipelineError } from '../errors/pipeline-error.ts';

/** A statement DuckDB refused: it does not parse, names something that is not there, or cannot compute. */
export class InvalidSqlError extends PipelineError {
  constructor(
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'catalog',
      'INVALID_SQL',
      `The SQL failed: ${detail}. Fix the statement: the relations are orders_cdc and current_orders, and ` +
        '`gadget-cdc query` without an argument lists the named queries.',
      options,
    );
  }
}

/** DuckDB's kinds of error that come from the statement itself, not from the lake it reads. */
const STATEMENT_ERROR =
  /^(Parser|Binder|Catalog|Conversion|Out of Range|Not implemented|Syntax|Mismatch Type|Invalid type) Error: /;

/** The InvalidSqlError for a DuckDB error caused by the statement `sql`, or undefined for any other error. */
export function invalidSqlError(error: unknown, sql: string): InvalidSqlError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!STATEMENT_ERROR.test(message)) return undefined;
  return new InvalidSqlError(compactSqlMessage(message, sql), { cause: error });
}

/**
 * DuckDB's message on one line, its `LINE n: …` and caret turned into a position in the statement, e.g.
 * `Parser Error: syntax error at or near "SELEC" (line 1, column 1: "SELEC x")`.
 */
export function compactSqlMessage(message: string, sql: string): string {
  const [head = message] = message.split(/\n\s*\n/);
  const text = head.replace(/\s*\n\s*/g, ' ').trim();
  const caret = /^LINE (\d+): (.*)\n( *)\^/m.exec(message);
  if (!caret) return text;
  const lineNumber = Number(caret[1]);
  const shown = caret[2] ?? '';
  const caretColumn = (caret[3] ?? '').length - `LINE ${lineNumber}: `.length;
  // DuckDB shortens a long line with "..." at either end: find the part it shows in the statement's line.
  const line = sql.split('\n')[lineNumber - 1] ?? '';
  const lead = shown.startsWith('...') ? 3 : 0;
  const found = line.indexOf(shown.slice(lead).replace(/\.\.\.$/, ''));
  const column = found === -1 ? undefined : found + caretColumn - lead;
  const from = column === undefined ? shown.slice(Math.max(0, caretColumn)) : line.slice(column);
  const excerpt = from.length > 40 ? `${from.slice(0, 40)}…` : from;
  const where = column === undefined ? `line ${lineNumber}` : `line ${lineNumber}, column ${column + 1}`;
  return `${text} (${where}: ${JSON.stringify(excerpt.trim())})`;
}
