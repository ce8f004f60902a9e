import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { currentOrdersAsOf } from '../../catalog/current-orders-sql.ts';
import { DuckDbLake } from '../../catalog/duckdb-lake.ts';
import { isQueryName, namedQueries, namedQuerySql, namedQuerySummary } from '../../catalog/named-queries.ts';
import { plainValue } from '../../catalog/plain-value.ts';
import type { QueryEngine } from '../../catalog/query-engine.ts';
import { PipelineError } from '../../errors/pipeline-error.ts';
import { type AwsLakeOptions, openAwsLake } from '../aws-lake.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { existingLake } from '../lake-location.ts';
import { countOf, formatCsv, formatTable } from '../result-table.ts';

export interface QueryOptions extends AwsLakeOptions {
  dataDir: string;
  lakeDir?: string;
  format: 'table' | 'json' | 'csv';
  /** ms since 1970: current_orders as it stood then. */
  asOf?: number;
  limit?: number;
  output?: string;
  target: 'local' | 'aws';
}

/** `gadget-cdc query`: the named queries' list, or a query's rows in --format. */
export async function queryAction(query: string | undefined, options: QueryOptions): Promise<void> {
  if (query === undefined) {
    for (const name of namedQueries()) console.log(`${name.padEnd(20)} ${namedQuerySummary(name)}`);
    return;
  }
  // A single word is a query's name (a misspelt one is told so, with the closest name); anything else is SQL.
  const named = isQueryName(query) ? namedQuerySql(query.trim()) : query;
  const sql = options.asOf === undefined ? named : currentOrdersAsOf(named, options.asOf);
  // Ctrl-C during an Athena query stops it (StopQueryExecution) rather than leaving it running and billed.
  const interrupt = options.target === 'aws' ? abortOnInterrupt() : undefined;
  try {
    const engine = await openEngine(options, interrupt?.signal);
    try {
      const all = (await engine.rows(sql)).map((row) =>
        Object.fromEntries(Object.entries(row).map(([key, value]) => [key, plainValue(value)])),
      );
      const rows = options.limit === undefined ? all : all.slice(0, options.limit);
      const text =
        options.format === 'json'
          ? rows.map((row) => `${JSON.stringify(row)}\n`).join('')
          : options.format === 'csv'
            ? `${formatCsv(rows)}\n`
            : `${formatTable(rows, { total: all.length })}\n`;
      if (options.output === undefined) process.stdout.write(text);
      else {
        await writeOutput(options.output, text);
        console.log(`${countOf(rows.length, all.length)} written to ${resolve(options.output)}.`);
      }
      // JSON lines and CSV carry no footer: a cut is said beside them, not in them.
      if (rows.length < all.length && options.format !== 'table' && options.output === undefined)
        console.error(`${countOf(rows.length, all.length)} (--limit ${options.limit}).`);
    } finally {
      await engine.close();
    }
  } finally {
    interrupt?.dispose();
  }
}

async function openEngine(options: QueryOptions, signal: AbortSignal | undefined): Promise<QueryEngine> {
  if (options.target === 'local') return DuckDbLake.open((await existingLake(options)).lakeDir);
  const lake = await openAwsLake(options, signal);
  return { rows: (sql) => lake.engine.rows(sql), close: () => lake.close() };
}

/** `--output` cannot be written: one line naming the file and why. */
export class OutputNotWritableError extends PipelineError {
  constructor(file: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    super(
      'cli',
      'OUTPUT_NOT_WRITABLE',
      `Cannot write --output ${file} (${code}). Pass a file in a folder that exists and that you may write to.`,
      { cause },
    );
  }
}

async function writeOutput(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new OutputNotWritableError(resolve(file), error);
  }
}
