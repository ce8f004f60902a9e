import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { AthenaEngine } from '../../catalog/athena-engine.ts';
import { DuckDbLake } from '../../catalog/duckdb-lake.ts';
import { namedQueries, namedQuerySql, namedQuerySummary } from '../../catalog/named-queries.ts';
import type { QueryEngine } from '../../catalog/query-engine.ts';
import { abortOnInterrupt } from '../interrupt.ts';
import { formatCsv, formatTable, plainValue } from '../result-table.ts';
import { addDataDirOption } from '../shared-options.ts';

/** The names the deployed stack uses unless told otherwise. */
export const DEFAULT_ATHENA_WORKGROUP = 'gadget-sales-cdc';
export const DEFAULT_GLUE_DATABASE = 'gadget_sales_cdc';

interface QueryOptions {
  dataDir: string;
  lakeDir?: string;
  format: 'table' | 'json' | 'csv';
  target: 'local' | 'aws';
  workgroup: string;
  database: string;
  outputLocation?: string;
  region?: string;
  profile?: string;
}

/** Until a later issue reads them from the deployed stack's outputs, the Athena names are options. */
const FROM_STACK_LATER = 'for now; a later version reads it from the deployed stack outputs';

export function queryCommand(): Command {
  const command = new Command('query')
    .summary('run a named query or SQL over the lake (DuckDB locally, Athena with --target aws)')
    .argument('[name-or-sql]', `a named query (${namedQueries().join(', ')}) or a SQL statement`)
    .description(
      'Runs SQL over the lake: `orders_cdc` (every change event) and `current_orders` (each order as it stands now). ' +
        'Without an argument, lists the named queries. --target local (the default) runs DuckDB over the lake ' +
        'folder; --target aws runs the same SQL in Athena over the Glue table (and creates or replaces the view ' +
        '`current_orders` there first when the SQL uses it).',
    )
    .addOption(
      new Option('--target <target>', 'where the lake is: local = DuckDB over --lake-dir, aws = Athena')
        .choices(['local', 'aws'])
        .default('local'),
    )
    .option('--lake-dir <dir>', 'the lake folder, for --target local (default: <data-dir>/lake)')
    .addOption(new Option('--format <format>', 'output').choices(['table', 'json', 'csv']).default('table'))
    .option(
      '--workgroup <name>',
      `Athena workgroup, for --target aws (${FROM_STACK_LATER})`,
      DEFAULT_ATHENA_WORKGROUP,
    )
    .option(
      '--database <name>',
      `Glue database holding orders_cdc, for --target aws (${FROM_STACK_LATER})`,
      DEFAULT_GLUE_DATABASE,
    )
    .option(
      '--output-location <s3-uri>',
      "S3 folder for Athena's result files, for --target aws (default: the workgroup's own)",
      parseS3Uri,
    )
    .option(
      '--region <region>',
      'AWS region, for --target aws (default: $AWS_REGION, else the profile region)',
    )
    .option(
      '--profile <name>',
      'AWS profile, for --target aws (default: $AWS_PROFILE, else the default chain)',
    );
  addDataDirOption(command);
  return command.action(async (query: string | undefined, options: QueryOptions) => {
    if (query === undefined) {
      for (const name of namedQueries()) console.log(`${name.padEnd(20)} ${namedQuerySummary(name)}`);
      return;
    }
    const sql = namedQueries().includes(query) ? namedQuerySql(query) : query;
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
  });
}

function openEngine(options: QueryOptions, signal: AbortSignal | undefined): Promise<QueryEngine> {
  if (options.target === 'local')
    return DuckDbLake.open(resolve(options.lakeDir ?? join(options.dataDir, 'lake')));
  return AthenaEngine.connect({
    workGroup: options.workgroup,
    database: options.database,
    outputLocation: options.outputLocation,
    region: options.region,
    profile: options.profile,
    signal,
  });
}

function parseS3Uri(value: string): string {
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(value)) {
    throw new InvalidArgumentError(
      `--output-location is an S3 URI like s3://my-bucket/athena-results/, got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}
