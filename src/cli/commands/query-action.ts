import { namesFromStack } from '../../aws/stack-outputs.ts';
import { connectAthenaClient } from '../../catalog/athena-client.ts';
import { AthenaEngine } from '../../catalog/athena-engine.ts';
import { DuckDbLake } from '../../catalog/duckdb-lake.ts';
import { isQueryName, namedQueries, namedQuerySql, namedQuerySummary } from '../../catalog/named-queries.ts';
import { plainValue } from '../../catalog/plain-value.ts';
import type { QueryEngine } from '../../catalog/query-engine.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { existingLake } from '../lake-location.ts';
import { formatCsv, formatTable } from '../result-table.ts';

export interface QueryOptions {
  dataDir: string;
  lakeDir?: string;
  format: 'table' | 'json' | 'csv';
  target: 'local' | 'aws';
  workgroup?: string;
  database?: string;
  currentStateTable?: string;
  outputLocation?: string;
  region?: string;
  profile?: string;
  stack: string;
}

/** `gadget-cdc query`: the named queries' list, or a query's rows in --format. */
export async function queryAction(query: string | undefined, options: QueryOptions): Promise<void> {
  if (query === undefined) {
    for (const name of namedQueries()) console.log(`${name.padEnd(20)} ${namedQuerySummary(name)}`);
    return;
  }
  // A single word is a query's name (a misspelt one is told so, with the closest name); anything else is SQL.
  const sql = isQueryName(query) ? namedQuerySql(query.trim()) : query;
  // Ctrl-C during an Athena query stops it (StopQueryExecution) rather than leaving it running and billed.
  const interrupt = options.target === 'aws' ? abortOnInterrupt() : undefined;
  try {
    const engine = await openEngine(options, interrupt?.signal);
    try {
      const rows = (await engine.rows(sql)).map((row) =>
        Object.fromEntries(Object.entries(row).map(([key, value]) => [key, plainValue(value)])),
      );
      if (options.format === 'json') for (const row of rows) console.log(JSON.stringify(row));
      else if (options.format === 'csv') console.log(formatCsv(rows));
      else console.log(formatTable(rows));
    } finally {
      await engine.close();
    }
  } finally {
    interrupt?.dispose();
  }
}

async function openEngine(options: QueryOptions, signal: AbortSignal | undefined): Promise<QueryEngine> {
  if (options.target === 'local') return DuckDbLake.open((await existingLake(options)).lakeDir);
  // Region and credentials are checked first (with their own advice), then the names come from the stack.
  const client = await connectAthenaClient({ region: options.region, profile: options.profile });
  try {
    const names = await namesFromStack(
      { stackName: options.stack, region: await client.config.region(), profile: options.profile },
      {
        // Names given as options win over the stack's.
        workGroupName: { value: options.workgroup, option: '--workgroup' },
        databaseName: { value: options.database, option: '--database' },
      },
      { currentStateTableName: { value: options.currentStateTable, option: '--current-state-table' } },
    );
    const engine = new AthenaEngine(client, {
      workGroup: names.workGroupName,
      database: names.databaseName,
      currentOrdersTable: names.currentStateTableName,
      outputLocation: options.outputLocation,
      signal,
    });
    return {
      rows: (sql) => engine.rows(sql),
      close: () => client.destroy(),
    };
  } catch (error) {
    client.destroy();
    throw error;
  }
}
